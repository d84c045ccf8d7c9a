import { parsePlacementStrategyName } from './registry';
import type { PlacementSettings } from './types';

export const DEFAULT_PLACEMENT_STRATEGY = 'spread';
/** 1: the CPU limits on a VM never add up to more cores than it has, so a limit is a promise the VM can keep. */
export const DEFAULT_CPU_OVERCOMMIT = 1;
/**
 * 100: off. Scale-out happens because the service is busy, so every VM running it reports high CPU just
 * when a container must be placed; excluding busy hosts then refuses the very capacity asked for (and in
 * a lab where all VMs share one host, made placement follow whichever agent sampled last). Committed CPU
 * is the capacity guard, as Kubernetes schedules on requests, not on measured use. Set below 100 to keep
 * headroom on hosts that run other work.
 */
export const DEFAULT_MAX_HOST_CPU_PCT = 100;

export const DEFAULT_PLACEMENT_SETTINGS: Readonly<PlacementSettings> = Object.freeze({
  strategy: DEFAULT_PLACEMENT_STRATEGY,
  cpuOvercommit: DEFAULT_CPU_OVERCOMMIT,
  maxHostCpuPct: DEFAULT_MAX_HOST_CPU_PCT,
});

/** Settings as they come from a config file: the strategy still a plain string, anything left out defaulted. */
export interface PlacementSettingsInput {
  strategy?: string;
  cpuOvercommit?: number;
  maxHostCpuPct?: number;
}

/**
 * Resolves config once at the process edge, so the decision functions can trust their settings. Throws
 * `UnknownPlacementStrategyError` for an unknown strategy and a `RangeError` naming the field otherwise.
 */
export function resolvePlacementSettings(input: PlacementSettingsInput = {}): Readonly<PlacementSettings> {
  const strategy = input.strategy === undefined ? DEFAULT_PLACEMENT_STRATEGY : parsePlacementStrategyName(input.strategy);
  const cpuOvercommit = input.cpuOvercommit ?? DEFAULT_CPU_OVERCOMMIT;
  const maxHostCpuPct = input.maxHostCpuPct ?? DEFAULT_MAX_HOST_CPU_PCT;
  if (typeof cpuOvercommit !== 'number' || !Number.isFinite(cpuOvercommit) || cpuOvercommit <= 0) {
    throw new RangeError(`placement setting cpuOvercommit must be a positive number, got ${show(cpuOvercommit)}`);
  }
  if (typeof maxHostCpuPct !== 'number' || !(maxHostCpuPct > 0 && maxHostCpuPct <= 100)) {
    throw new RangeError(`placement setting maxHostCpuPct must be above 0 and at most 100, got ${show(maxHostCpuPct)}`);
  }
  return Object.freeze({ strategy, cpuOvercommit, maxHostCpuPct });
}

/** Settings often come from JSON config; JSON.stringify keeps a stray string from forging log lines. */
function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value);
}
