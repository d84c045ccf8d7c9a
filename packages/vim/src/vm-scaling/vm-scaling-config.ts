import { DEFAULT_MIN_VMS, DEFAULT_VM_CPU_THRESHOLD_PCT, DEFAULT_VM_IDLE_COOLDOWN_MS, vmScalingSettingsProblems, type VmScalingSettings } from '@acs/scaling';
import { DEFAULT_VM_START_TIMEOUT_MS } from './defaults';
import { resolveProviderConfig, type VmProviderConfig, type VmProviderKind } from './provider-config';

/** The VIM settings VM-level scaling reads (VIM_SETTINGS names). */
export interface VmScalingSettingValues {
  vmProvider?: VmProviderKind;
  vmProviderConfig?: Record<string, unknown> | undefined;
  minVms?: number;
  maxVms?: number | undefined;
  vmCpuThreshold?: number;
  vmIdleCooldownMs?: number;
  vmStartTimeoutMs?: number;
}

export interface VmScalingConfig {
  provider: VmProviderConfig;
  settings: VmScalingSettings;
  startTimeoutMs: number;
}

/**
 * The settings checked together (the provider's file against its kind, minVms against maxVms). Undefined
 * config when the provider is off; otherwise every problem, each a line naming the setting.
 */
export function resolveVmScalingConfig(values: VmScalingSettingValues): { ok: true; config: VmScalingConfig | undefined } | { ok: false; problems: string[] } {
  const provider = resolveProviderConfig(values.vmProvider ?? 'off', values.vmProviderConfig);
  if (!provider.ok) return provider;
  if (provider.config === undefined) return { ok: true, config: undefined };
  const settings: VmScalingSettings = {
    minVms: values.minVms ?? DEFAULT_MIN_VMS,
    // No bound given: the running VMs plus every standby VM is the most there can be anyway.
    maxVms: values.maxVms ?? Number.MAX_SAFE_INTEGER,
    cpuThresholdPct: values.vmCpuThreshold ?? DEFAULT_VM_CPU_THRESHOLD_PCT,
    idleCooldownMs: values.vmIdleCooldownMs ?? DEFAULT_VM_IDLE_COOLDOWN_MS,
  };
  const problems = vmScalingSettingsProblems(settings).map((p) => `--${FLAG_OF[p.path as keyof VmScalingSettings]}: ${p.message}`);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { provider: provider.config, settings, startTimeoutMs: values.vmStartTimeoutMs ?? DEFAULT_VM_START_TIMEOUT_MS } };
}

const FLAG_OF: Record<keyof VmScalingSettings, string> = { minVms: 'min-vms', maxVms: 'max-vms', cpuThresholdPct: 'vm-cpu-threshold', idleCooldownMs: 'vm-idle-cooldown-ms' };
