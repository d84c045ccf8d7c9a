export { startWorkload, type RunningWorkload, type WorkloadStats } from './server';
export { loadConfig, type WorkloadConfig } from './config';
export { burnCpu } from './burn';
