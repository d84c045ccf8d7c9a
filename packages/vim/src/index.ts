export { startVim, type RunningVim, type VimOptions } from './vim';
export { ClusterState, type VmRecord, type VmStatus } from './cluster-state';
export { AgentServer } from './agent-server';
export * from './errors';
export { VIM_SETTINGS } from './config';
export { main } from './main';
export * from './events';
