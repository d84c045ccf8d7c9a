export { Forwarder, PROXY_ENGINES, DEFAULT_PROXY_ENGINE, type ProxyEngine, type ForwardTarget, type ForwardingPlan, type AttemptOutcome, type ForwarderOptions } from './forwarder';
export { sendJson, sendUnavailable, RETRY_AFTER_SECONDS } from './responses';
