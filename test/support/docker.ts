import { execFileSync, spawnSync } from 'node:child_process';

/** Runs the docker CLI with an argument array (no shell) and returns its stdout, trimmed. */
export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function dockerOk(...args: string[]): boolean {
  return spawnSync('docker', args, { stdio: 'ignore' }).status === 0;
}

/** Removes every container a test's agents created: only those with these agent ids. */
export function removeAgentContainers(agentIds: string[]): void {
  for (const id of agentIds) {
    const ids = docker('ps', '-aq', '--filter', `label=acs.vmm=${id}`);
    if (ids) docker('rm', '-f', ...ids.split('\n'));
  }
}
