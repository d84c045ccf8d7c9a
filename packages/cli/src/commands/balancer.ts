import type { BalancerSettings } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { UsageError } from '../errors';
import { scalar } from '../pairs';

export async function balancerGetCommand(client: AdminClient, options: { json?: boolean }, out: (text: string) => void): Promise<void> {
  const settings = await client.get<BalancerSettings>('/api/v1/balancer');
  out(options.json ? JSON.stringify(settings, null, 2) : render(settings));
}

/** One `key=value` a line, as `acs balancer set` takes them, then who is ejected. */
function render(settings: BalancerSettings): string {
  const { ejected, ...knobs } = settings;
  const lines = Object.entries(knobs).map(([k, v]) => `${k}=${String(v)}`);
  const who = ejected.map((e) => `${e.vm} (back in ${Math.ceil(e.forMs / 1000)} s, ejection ${e.ejections})`);
  lines.push(`ejected: ${who.length > 0 ? who.join(', ') : 'none'}`);
  return lines.join('\n');
}

/** `acs balancer set policy=p2c`: each pair becomes a field of the PUT body; the VIM validates. */
export async function balancerSetCommand(client: AdminClient, pairs: string[], out: (text: string) => void): Promise<void> {
  const body: Record<string, string | number | boolean | null> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(pair);
    if (!match) throw new UsageError(`expected key=value, got ${JSON.stringify(pair)} (e.g. acs balancer set policy=p2c)`);
    body[match[1]!] = scalar(match[2]!);
  }
  out(render(await client.put<BalancerSettings>('/api/v1/balancer', body)));
}
