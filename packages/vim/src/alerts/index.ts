export * from './alert';
export { alertFromEvent } from './alert-rules';
export { rateLimit, type RateLimitEntry, type RateLimitDecision } from './rate-limit';
export { sloStep, type SloSettings, type SloState, type SloSample } from './slo-breach';
export { delayBeforeAttempt, isRetryableStatus, type DeliveryPolicy } from './delivery-plan';
export { WebhookSender, type WebhookSenderOptions } from './webhook-sender';
export { Alerter, type AlerterDeps } from './alerter';
export { SloMonitor, type SloMonitorDeps } from './slo-monitor';
export { startAlerting, type AlertingOptions, type RunningAlerting } from './alerting';
