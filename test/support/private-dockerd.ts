import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './processes';

/** Why a private dockerd cannot run here, or undefined when it can. */
export function privateDockerdUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: a private dockerd needs root';
  if (spawnSync('dockerd', ['--version'], { stdio: 'ignore' }).status !== 0) return 'dockerd is not installed';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'the ip tool (iproute2) is missing';
  return undefined;
}

/**
 * A Docker Engine of the test's own, so it can be restarted without touching the machine's shared one:
 * its own data and exec roots, socket, and bridge (a small link-local subnet, no iptables rules, so nothing
 * of the host's network setup changes). Containers publish on 127.0.0.1 through its userland proxy.
 * `--live-restore` keeps containers running while the daemon is down, as a production engine would.
 */
export class PrivateDockerd {
  readonly dir: string;
  readonly socket: string;
  readonly bridge: string;
  private readonly logFile: string;
  private readonly pidFile: string;

  constructor(private readonly tag: string) {
    // Short paths: containerd's socket paths under the exec root must stay under the unix socket limit.
    this.dir = mkdtempSync('/tmp/acspd-');
    this.socket = join(this.dir, 'docker.sock');
    this.logFile = join(this.dir, 'dockerd.log');
    this.pidFile = join(this.dir, 'dockerd.pid');
    this.bridge = `acspd${tag}`.slice(0, 15);
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  /** Creates the bridge on a subnet picked from the tag, starts the daemon and waits until it answers. */
  async start(): Promise<void> {
    if (!existsSync(`/sys/class/net/${this.bridge}`)) {
      execFileSync('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
      execFileSync('ip', ['addr', 'add', `169.254.${this.linkLocalOctet()}.1/24`, 'dev', this.bridge]);
      execFileSync('ip', ['link', 'set', this.bridge, 'up']);
    }
    await this.launch();
  }

  /**
   * The bridge's subnet is link-local (169.254.0.0/16): never routed beyond this host, and no private-range
   * address in the tests (their traffic goes to the containers' ports published on 127.0.0.1 only). Picked
   * from the tag so parallel runs differ; 169.254.169.0/24 is skipped (the cloud metadata address).
   */
  private linkLocalOctet(): number {
    const octet = 100 + (Number.parseInt(this.tag.replace(/\D/g, '').slice(-4) || '0', 10) % 150);
    return octet === 169 ? 170 : octet;
  }

  /** SIGTERM, wait for the daemon to exit; containers keep running (live restore). */
  async stop(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && isAlive(pid)) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Runs the docker CLI against this engine. */
  docker(...args: string[]): string {
    return execFileSync('docker', ['-H', this.host, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }

  /** Copies an image from the shared engine into this one (nothing is pulled). */
  async loadImage(image: string): Promise<void> {
    // docker save | docker load, piped here rather than through a shell.
    const save = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'ignore'] });
    const load = spawn('docker', ['-H', this.host, 'load'], { stdio: ['pipe', 'ignore', 'ignore'] });
    save.stdout.pipe(load.stdin);
    const [saved, loaded] = await Promise.all([exitCodeOf(save), exitCodeOf(load)]);
    if (saved !== 0 || loaded !== 0) throw new Error(`copying ${image} into the private dockerd failed (docker save exit ${saved}, docker load exit ${loaded})`);
  }

  /** Removes every container, stops the daemon and its shims, unmounts and deletes its dirs and bridge. */
  async destroy(): Promise<void> {
    if (this.answers()) {
      const ids = this.docker('ps', '-aq');
      if (ids) spawnSync('docker', ['-H', this.host, 'rm', '-f', ...ids.split('\n')], { stdio: 'ignore' });
    }
    await this.stop();
    // Shims and the daemon's containerd outlive it under live restore: end the ones under our exec root.
    const leftovers = spawnSync('pgrep', ['-f', this.dir], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    for (const pid of leftovers) if (pid !== process.pid) tryKill(pid);
    const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(this.dir));
    for (const mount of mounts.sort().reverse()) spawnSync('umount', ['-l', mount], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
    if (existsSync(`/sys/class/net/${this.bridge}`)) spawnSync('ip', ['link', 'del', this.bridge], { stdio: 'ignore' });
  }

  answers(): boolean {
    return spawnSync('docker', ['-H', this.host, 'info'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  }

  private async launch(): Promise<void> {
    const log = openSync(this.logFile, 'a');
    const child = spawn('dockerd', [
      '--data-root', join(this.dir, 'data'),
      '--exec-root', join(this.dir, 'exec'),
      '--pidfile', this.pidFile,
      '-H', this.host,
      `--bridge=${this.bridge}`,
      '--iptables=false',
      '--ip-masq=false',
      '--ip-forward=false',
      '--live-restore',
    ], { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    closeSync(log);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.answers()) return;
      if (child.exitCode !== null) break;
      await sleep(200);
    }
    throw new Error(`private dockerd did not answer on ${this.socket}; its log ends with:\n${readFileSync(this.logFile, 'utf8').slice(-2000)}`);
  }

  private pid(): number | undefined {
    try {
      return Number(readFileSync(this.pidFile, 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  }
}


function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}


function exitCodeOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
}
