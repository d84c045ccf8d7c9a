import type { AddressInfo } from 'node:net';
import type { Logger } from '@acs/daemon';
import { formatHostPort } from '@acs/daemon';
import type { ClusterState } from '../cluster-state';
import { CommandVmProvider } from './command-provider';
import { ProcessVmProvider } from './process-provider';
import type { VmProvider } from './vm-provider';
import { VmScalingController, type ServiceDemand, type VmEventSink } from './vm-scaling-controller';
import type { VmScalingConfig } from './vm-scaling-config';

export { resolveVmScalingConfig, type VmScalingConfig, type VmScalingSettingValues } from './vm-scaling-config';
export { VmScalingController } from './vm-scaling-controller';
export { VmProviderError, type VmProvider } from './vm-provider';
export { VM_PROVIDER_KINDS, type VmProviderKind } from './provider-config';
export { PROCESS_PROVIDER_SHUTDOWN_DEADLINE_MS } from './process-provider';

export interface VmScalingDeps {
  cluster: ClusterState;
  demand: ServiceDemand;
  events: VmEventSink;
  /** Where the VIM accepts agents: what a process provider's VMMs connect to. */
  agentAddress: AddressInfo;
  secret: Buffer;
  startupDelayMs: number;
  now: () => number;
  log: Logger;
}

/** Builds the provider the config names and the VM loop around it (not started). */
export function createVmScaling(config: VmScalingConfig, deps: VmScalingDeps): VmScalingController {
  // The provider reports a crashed VMM to the controller, which is built around the provider.
  const late: { controller?: VmScalingController } = {};
  let provider: VmProvider;
  if (config.provider.kind === 'command') {
    provider = new CommandVmProvider(config.provider);
  } else {
    // A wildcard listen address is reachable on loopback; agents cannot connect to 0.0.0.0 itself.
    const host = deps.agentAddress.address === '0.0.0.0' || deps.agentAddress.address === '::' ? '127.0.0.1' : deps.agentAddress.address;
    provider = new ProcessVmProvider(config.provider, {
      vimAddress: formatHostPort({ host, port: deps.agentAddress.port }),
      secret: deps.secret,
      onUnexpectedExit: (vm, how, logFile) => late.controller?.providerVmExited(vm, how, logFile),
    });
  }
  const controller = new VmScalingController(
    provider,
    deps.cluster,
    deps.demand,
    deps.events,
    { settings: config.settings, startTimeoutMs: config.startTimeoutMs, startupDelayMs: deps.startupDelayMs, now: deps.now },
    deps.log,
  );
  late.controller = controller;
  return controller;
}
