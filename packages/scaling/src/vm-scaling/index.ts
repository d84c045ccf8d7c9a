export * from './types';
export { decideVmScaling } from './decide';
export { vmScalingSettingsProblems } from './validate';
export { DEFAULT_MIN_VMS, DEFAULT_VM_CPU_THRESHOLD_PCT, DEFAULT_VM_IDLE_COOLDOWN_MS, DEFAULT_VM_SCALING_SETTINGS } from './defaults';
