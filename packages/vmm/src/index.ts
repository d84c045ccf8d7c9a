export { Agent, type AgentOptions } from './agent';
export { VimConnection, FatalRejectError, CommandError, type ConnectionState } from './vim-connection';
export { backoffDelayMs, type BackoffPolicy } from './backoff';
export { HostSampler, parseProcStat } from './host-sampler';
export { VMM_SETTINGS } from './config';
export { main } from './main';
export { ContainerManager, type TrafficBackends, type ContainerManagerOptions } from './runtime/container-manager';
export { TrafficFront, type TrafficFrontOptions } from './front/traffic-front';
