import type { DrainResponse } from '@acs/api-types';
import type { AdminClient } from '../api-client';

/** `acs drain vmm2` stops placements there and moves its containers away; `--undo` takes it back. */
export async function drainCommand(
  client: AdminClient,
  vm: string,
  options: { undo?: boolean; json?: boolean },
  out: (text: string) => void,
): Promise<void> {
  const path = `/api/v1/vms/${encodeURIComponent(vm)}/drain`;
  const answer = options.undo ? await client.delete<DrainResponse>(path) : await client.post<DrainResponse>(path, {});
  if (options.json) {
    out(JSON.stringify(answer, null, 2));
    return;
  }
  out(
    answer.draining
      ? `${answer.vm} is draining: no new containers go there and its containers move to other VMs (undo: acs drain ${answer.vm} --undo)`
      : `${answer.vm} is not draining: it takes new containers again`,
  );
}
