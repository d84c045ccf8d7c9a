import type { VmScalingSettings } from './types';

/**
 * Checks settings as a whole and returns every problem (empty when valid), each naming its field, so a
 * daemon can refuse to start with the full list.
 */
export function vmScalingSettingsProblems(settings: VmScalingSettings): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const whole = (path: keyof VmScalingSettings, min: number): void => {
    const value = settings[path];
    if (!Number.isSafeInteger(value) || value < min) problems.push({ path, message: `must be a whole number of at least ${min}, got ${String(value)}` });
  };
  whole('minVms', 0);
  whole('maxVms', 1);
  whole('idleCooldownMs', 0);
  if (!(settings.cpuThresholdPct > 0 && settings.cpuThresholdPct <= 100)) problems.push({ path: 'cpuThresholdPct', message: `must be above 0 and at most 100, got ${String(settings.cpuThresholdPct)}` });
  if (problems.length === 0 && settings.minVms > settings.maxVms) problems.push({ path: 'minVms', message: `must not exceed maxVms (${settings.maxVms}), got ${settings.minVms}` });
  return problems;
}
