import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessProviderConfig } from './provider-config';
import { VmProviderError, type VmProvider } from './vm-provider';

/**
 * A VMM given SIGTERM drains and removes its containers (--stop-containers-on-exit), which its own
 * deadline bounds at 30 s; past this, it is killed.
 */
const STOP_TIMEOUT_MS = 45_000;
/** How long the VIM may take to stop when it runs VMMs: theirs, and a margin for its own. */
export const PROCESS_PROVIDER_SHUTDOWN_DEADLINE_MS = STOP_TIMEOUT_MS + 5_000;

export interface ProcessProviderRuntime {
  /** The VIM's agent address as agents reach it (host:port), known once the VIM listens. */
  vimAddress: string;
  /** The agent secret, handed over in ACS_SECRET when the config names no secret file. */
  secret: Buffer;
  /** A VMM that exited without being asked to: the controller records it. */
  onUnexpectedExit: (vm: string, how: string, logFile: string | undefined) => void;
}

/**
 * The local lab's provider: a "VM" is one more `acs-vmm` process on this machine, started with the lab's
 * secret, the VIM's address, the configured maxContainers and the VM's name as its agent id; stopped
 * with SIGTERM so it drains and removes its containers. It is a child of the VIM: stopping the VIM stops
 * them (see close()).
 */
export class ProcessVmProvider implements VmProvider {
  readonly kind = 'process';
  readonly vms: readonly string[];
  private readonly children = new Map<string, { child: ChildProcess; stopping: boolean; exited: Promise<void> }>();

  constructor(
    private readonly config: ProcessProviderConfig,
    private readonly runtime: ProcessProviderRuntime,
  ) {
    this.vms = config.vms;
  }

  manages(vm: string): boolean {
    return this.children.has(vm);
  }

  start(vm: string): Promise<void> {
    if (this.children.has(vm)) return Promise.resolve();
    const [file, ...lead] = this.config.vmm;
    const args = [
      ...lead,
      '--vim', this.runtime.vimAddress,
      '--agent-id', vm,
      '--max-containers', String(this.config.maxContainers),
      '--front-listen', this.config.frontListen,
      '--stop-containers-on-exit', 'true',
      ...(this.config.secretFile === undefined ? [] : ['--secret-file', this.config.secretFile]),
      ...this.config.args,
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, ACS_AGENT_ID: undefined, ACS_SECRET: this.config.secretFile === undefined ? this.runtime.secret.toString('utf8') : undefined };
    const logFile = this.config.logDir === undefined ? undefined : join(this.config.logDir, `${vm}.log`);
    return new Promise((resolve, reject) => {
      const child = spawn(file!, args, { env, stdio: ['ignore', logFile ? 'pipe' : 'ignore', logFile ? 'pipe' : 'ignore'] });
      if (logFile !== undefined) {
        mkdirSync(this.config.logDir!, { recursive: true });
        const log = createWriteStream(logFile, { flags: 'a' });
        // Two sources into one file: neither may end it for the other (a write after end would throw).
        child.stdout?.pipe(log, { end: false });
        child.stderr?.pipe(log, { end: false });
        child.once('close', () => log.end());
        log.on('error', () => undefined); // a log we cannot write must not take the VIM down
      }
      const entry = { child, stopping: false, exited: new Promise<void>((r) => child.once('exit', () => r())) };
      child.once('error', (error) => {
        this.children.delete(vm);
        reject(new VmProviderError('spawn-failed', vm, `could not run ${[file, ...args].join(' ')} for ${vm}: ${error.message}`, { argv: [file!, ...args] }));
      });
      child.once('spawn', () => {
        this.children.set(vm, entry);
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (this.children.get(vm) !== entry) return;
        this.children.delete(vm);
        if (!entry.stopping) this.runtime.onUnexpectedExit(vm, signal ?? `exit code ${code}`, logFile);
      });
    });
  }

  async stop(vm: string): Promise<void> {
    const entry = this.children.get(vm);
    if (entry === undefined) throw new VmProviderError('not-running', vm, `${vm} is not a VMM this VIM started`);
    entry.stopping = true;
    const force = setTimeout(() => entry.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    entry.child.kill('SIGTERM');
    await entry.exited;
    clearTimeout(force);
  }

  pids(): ReadonlyMap<string, number> {
    const out = new Map<string, number>();
    for (const [vm, { child }] of this.children) if (child.pid !== undefined) out.set(vm, child.pid);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.children.keys()].map((vm) => this.stop(vm)));
  }
}
