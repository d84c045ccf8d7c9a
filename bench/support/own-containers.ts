import { execFile, spawnSync } from 'node:child_process';

/**
 * Removing the containers a benchmark's own agents started, and only those (their `acs.vmm` label), on the
 * way out whatever happened. Never throws: a cleanup that fails half-way must not stop the rest of it.
 */

const LIST_TIMEOUT_MS = 15_000;
const REMOVE_TIMEOUT_MS = 30_000;

/** `docker` arguments listing every container `agentId` started, running or not. */
function listArgs(agentId: string): string[] {
  return ['ps', '-aq', '--filter', 'label=acs.managed=true', '--filter', `label=acs.vmm=${agentId}`];
}

function idsIn(stdout: string): string[] {
  return stdout.split(/\s+/).filter(Boolean);
}

/** The ids of the containers `agentId` started ([] when docker does not answer). */
export function agentContainerIds(agentId: string): Promise<string[]> {
  return new Promise((resolve) => execFile('docker', listArgs(agentId), { timeout: LIST_TIMEOUT_MS }, (error, stdout) => resolve(error ? [] : idsIn(stdout))));
}

/** Removes the containers these agents started; resolves with how many there were. */
export async function removeAgentContainers(agentIds: readonly string[]): Promise<number> {
  let removed = 0;
  for (const agentId of agentIds) {
    const ids = await agentContainerIds(agentId);
    if (ids.length === 0) continue;
    await new Promise<void>((resolve) => execFile('docker', ['rm', '-f', ...ids], { timeout: REMOVE_TIMEOUT_MS }, () => resolve()));
    removed += ids.length;
  }
  return removed;
}

/** The same, blocking: for a process 'exit' handler, the last resort when the async cleanup did not finish. */
export function removeAgentContainersSync(agentIds: readonly string[]): void {
  for (const agentId of agentIds) {
    const ids = idsIn(spawnSync('docker', listArgs(agentId), { encoding: 'utf8', timeout: LIST_TIMEOUT_MS }).stdout ?? '');
    if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore', timeout: REMOVE_TIMEOUT_MS });
  }
}
