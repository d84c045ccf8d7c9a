import type { VmScalingSettings } from './types';

export const DEFAULT_VM_CPU_THRESHOLD_PCT = 80;
/** Five minutes empty before a VM is stopped: booting one again takes minutes. */
export const DEFAULT_VM_IDLE_COOLDOWN_MS = 300_000;
export const DEFAULT_MIN_VMS = 1;

export const DEFAULT_VM_SCALING_SETTINGS: Readonly<Omit<VmScalingSettings, 'maxVms'>> = Object.freeze({
  minVms: DEFAULT_MIN_VMS,
  cpuThresholdPct: DEFAULT_VM_CPU_THRESHOLD_PCT,
  idleCooldownMs: DEFAULT_VM_IDLE_COOLDOWN_MS,
});
