export { DashboardFeed, DEFAULT_DASHBOARD_FEED_OPTIONS, type DashboardFeedOptions } from './feed';
export { DashboardStreams, DEFAULT_MAX_STREAMS } from './event-stream';
export { StaticFiles, DASHBOARD_CSP, DASHBOARD_STATIC_DIR } from './static-files';
export type { DashboardSources } from './sources';
