/**
 * The side of VM-level scaling that touches the world: bring a standby VM up, stop one. The controller
 * decides (through @acs/scaling's decideVmScaling) and calls these; a provider never decides anything.
 */
export interface VmProvider {
  readonly kind: 'process' | 'command';
  /** Every standby VM this provider can start, in the order to try them. */
  readonly vms: readonly string[];
  /** Whether this provider may stop the VM (it started it, or it is one of its standby VMs). */
  manages(vm: string): boolean;
  /**
   * Asks for the VM to be brought up. Resolves when the provider has done its part (the command exited 0,
   * the process was spawned); the VM counts as up only when its agent connects.
   * @throws VmProviderError
   */
  start(vm: string): Promise<void>;
  /** Asks for the VM to be stopped; resolves when it has. @throws VmProviderError */
  stop(vm: string): Promise<void>;
  /** Process ids of what the provider runs now, by VM (the process provider's VMMs), for the admin view. */
  pids(): ReadonlyMap<string, number>;
  /** On VIM shutdown: ends what the provider runs (the process provider drains and stops its VMMs). */
  close(): Promise<void>;
}

export type VmProviderErrorCode = 'spawn-failed' | 'command-failed' | 'command-timeout' | 'not-running';

/** A provider action that failed, with what a person needs to see why (the command, its stderr). */
export class VmProviderError extends Error {
  constructor(
    readonly code: VmProviderErrorCode,
    readonly vm: string,
    message: string,
    readonly details: { argv?: string[]; exitCode?: number | null; signal?: string | null; stderr?: string } = {},
  ) {
    super(message);
    this.name = 'VmProviderError';
  }
}
