import type { BalancerSettings } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { UsageError } from '../errors';

export async function balancerGetCommand(client: AdminClient, options: { json?: boolean }, out: (text: string) => void): Promise<void> {
  const settings = await client.get<BalancerSettings>('/api/v1/balancer');
  out(options.json ? JSON.stringify(settings, null, 2) : Object.entries(settings).map(([k, v]) => `${k}=${String(v)}`).join('\n'));
}

/** `acs balancer set policy=p2c`: each pair becomes a field of the PUT body; the VIM validates. */
export async function balancerSetCommand(client: AdminClient, pairs: string[], out: (text: string) => void): Promise<void> {
  const body: Record<string, string | number | boolean> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(pair);
    if (!match) throw new UsageError(`expected key=value, got ${JSON.stringify(pair)} (e.g. acs balancer set policy=p2c)`);
    const raw = match[2]!;
    body[match[1]!] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw === 'true' || raw === 'false' ? raw === 'true' : raw;
  }
  const settings = await client.put<BalancerSettings>('/api/v1/balancer', body);
  out(Object.entries(settings).map(([k, v]) => `${k}=${String(v)}`).join('\n'));
}
