export { Forwarder, type ForwardTarget, type ForwardingPlan, type AttemptOutcome, type ForwarderOptions } from './forwarder';
export { sendJson, sendUnavailable, RETRY_AFTER_SECONDS } from './responses';
