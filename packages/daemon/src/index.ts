export * from './errors';
export * from './parsers';
export * from './settings';
export * from './logger';
export * from './daemon-command';
export * from './shutdown';
export * from './secret';
export * from './listen';
