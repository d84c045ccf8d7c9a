export * from './defaults';
export * from './errors';
export * from './event-query';
export * from './event-store';
export * from './action-log';
export { SCHEMA_VERSION as EVENT_LOG_SCHEMA_VERSION } from './schema';
