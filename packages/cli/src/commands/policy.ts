import type { ServicePolicyView } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { UsageError } from '../errors';
import { scalar, splitPair } from '../pairs';

/** The body of `PUT /api/v1/services/:name/policy`: only the fields to change; the VIM deep-merges and validates. */
export interface PolicyPatch {
  scaling?: Record<string, unknown>;
  placement?: Record<string, unknown>;
  predictive?: Record<string, unknown>;
}

const EXAMPLE = 'acs policy set minReplicas=2 behavior.scaleDown.stabilizationWindowS=30';
const GROUP_EXAMPLE: Record<string, string> = { placement: 'placement.strategy=binpack', predictive: 'predictive.mode=on', scaling: 'scaling.minReplicas=2' };

function policyPath(service: string): string {
  return `/api/v1/services/${encodeURIComponent(service)}/policy`;
}

export async function policyGetCommand(client: AdminClient, options: { service: string; json?: boolean }, out: (text: string) => void): Promise<void> {
  const policy = await client.get<ServicePolicyView>(policyPath(options.service));
  out(options.json ? JSON.stringify(policy, null, 2) : render(policy));
}

export async function policySetCommand(
  client: AdminClient,
  pairs: string[],
  options: { service: string; json?: boolean },
  out: (text: string) => void,
): Promise<void> {
  const patch = policyPatch(pairs);
  const policy = await client.put<ServicePolicyView>(policyPath(options.service), patch);
  out(options.json ? JSON.stringify(policy, null, 2) : render(policy));
}

/**
 * Turns `a.b.c=value` pairs into the nested partial object the VIM merges. Keys name a path into the policy:
 * `placement.*` into placement, `predictive.*` into predictive, everything else into scaling (a leading `scaling.` is allowed too). All pairs
 * are checked before any request, so a typo in the third pair does not leave the first two applied.
 */
export function policyPatch(pairs: readonly string[]): PolicyPatch {
  const patch: Record<string, Record<string, unknown>> = {};
  for (const pair of pairs) {
    const { key, raw } = splitPair(pair, EXAMPLE);
    const segments = key.split('.');
    if (!segments.every((s) => /^[A-Za-z][A-Za-z0-9_]*$/.test(s))) {
      throw new UsageError(`${JSON.stringify(key)} is not a policy key: dot-separated names like behavior.scaleUp.tolerance (e.g. ${EXAMPLE})`);
    }
    const [first, ...rest] = segments as [string, ...string[]];
    const [root, path] = first === 'placement' || first === 'scaling' || first === 'predictive' ? [first, rest] : ['scaling', segments];
    if (path.length === 0) throw new UsageError(`${root} is a group, not a setting: name a field inside it, e.g. ${GROUP_EXAMPLE[root] ?? 'scaling.minReplicas=2'}`);
    setPath((patch[root] ??= {}), path, value(root, path, raw), key);
  }
  return patch;
}

function value(root: string, path: readonly string[], raw: string): unknown {
  if (raw.startsWith('[') || raw.startsWith('{')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new UsageError(`the value of ${path.join('.')} starts like JSON but is not: ${raw}`);
    }
  }
  if (root === 'scaling' && path.length === 1 && path[0] === 'metrics') return metrics(raw);
  return scalar(raw);
}

/** The compact form of the metric list, `cpu:60,rps:40`, as `[{metric, target}]`; which names exist is the VIM's call. */
function metrics(raw: string): Array<{ metric: string; target: number }> {
  return raw.split(',').map((item) => {
    const match = /^([A-Za-z][A-Za-z0-9_-]*):(\d+(?:\.\d+)?)$/.exec(item.trim());
    if (!match) throw new UsageError(`metrics takes metric:target pairs like cpu:60,rps:40, got ${JSON.stringify(item)}`);
    return { metric: match[1]!, target: Number(match[2]!) };
  });
}

function setPath(target: Record<string, unknown>, path: readonly string[], leaf: unknown, key: string): void {
  let node = target;
  for (const [i, segment] of path.entries()) {
    if (i === path.length - 1) {
      if (Object.hasOwn(node, segment) && isObject(node[segment])) throw new UsageError(`${key} is set both as a value and as a group of settings`);
      node[segment] = leaf;
      return;
    }
    // hasOwn, not `in`: `constructor` or `toString` as a key must not find Object.prototype's.
    const next = Object.hasOwn(node, segment) ? node[segment] : (node[segment] = {});
    if (!isObject(next)) throw new UsageError(`${key} is set both as a value and as a group of settings`);
    node = next;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One `key=value` a line, each exactly as `acs policy set` takes it, so any line can be copied, edited and set. */
function render(policy: ServicePolicyView): string {
  return [
    `policy of ${policy.service} (change a line: acs policy set --service ${policy.service} key=value ...)`,
    ...flatten(policy.scaling, []),
    ...flatten(policy.placement, ['placement']),
    // Older VIMs send no predictive section.
    ...(policy.predictive ? flatten(policy.predictive, ['predictive']) : []),
  ].join('\n');
}

function flatten(node: Record<string, unknown>, prefix: readonly string[]): string[] {
  return Object.entries(node).flatMap(([k, v]) => {
    const path = [...prefix, k];
    if (isObject(v) && Object.keys(v).length > 0) return flatten(v, path);
    return [`${path.join('.')}=${show(path, v)}`];
  });
}

function show(path: readonly string[], v: unknown): string {
  if (path.length === 1 && path[0] === 'metrics' && Array.isArray(v) && v.every(isMetricTarget)) {
    return v.map((m) => `${m.metric}:${m.target}`).join(',');
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function isMetricTarget(v: unknown): v is { metric: string; target: number } {
  return isObject(v) && Object.keys(v).length === 2 && typeof v['metric'] === 'string' && typeof v['target'] === 'number';
}
