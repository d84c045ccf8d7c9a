import type { NewEvent } from '../events';
import type { Alert } from './alert';

/** A VM "lost" by these is not lost: the VIM is shutting down, or the same agent reconnected. */
const NOT_LOST_REASONS = ['server-shutdown', 'replaced'];

/**
 * Which alert, if any, an event of the control loop calls for. Pure: the event in, the alert out.
 *
 * - `vm-down` → `vm-lost` (critical), unless the VIM itself is shutting down or the agent reconnected.
 * - `docker-down` → `docker-unavailable` (warning, as Kubernetes' KubeNodeNotReady: the VM's containers
 *   stay, only new ones go elsewhere, but someone has to bring the engine back). `docker-up` raises none.
 * - `command` that failed → `scaling-action-failed` (warning: the loop retries elsewhere with backoff).
 * - `error` (a batch that never finished, a control period that threw) → `scaling-action-failed` (critical).
 * - `insufficient-capacity` → `capacity-exhausted` (critical): the service needs more containers than
 *   placement finds room for.
 */
export function alertFromEvent(event: NewEvent): Alert | undefined {
  const d = event.data;
  const vm = typeof d['vm'] === 'string' ? d['vm'] : null;
  const base = { service: event.service, vm, message: event.message, at: event.at };
  switch (event.kind) {
    case 'vm-down': {
      const reason = typeof d['reason'] === 'string' ? d['reason'] : '';
      if (NOT_LOST_REASONS.some((r) => reason.startsWith(r))) return undefined;
      return { ...base, kind: 'vm-lost', severity: 'critical', details: { reason, containers: d['containers'] ?? null } };
    }
    case 'docker-down':
      return { ...base, kind: 'docker-unavailable', severity: 'warning', details: pick(d, ['containers']) };
    case 'command':
      if (d['ok'] !== false) return undefined;
      return { ...base, kind: 'scaling-action-failed', severity: 'warning', details: pick(d, ['command', 'containerId', 'code', 'error', 'backoffMs', 'why']) };
    case 'error':
      return { ...base, kind: 'scaling-action-failed', severity: 'critical', details: pick(d, ['action', 'scope', 'ageMs']) };
    case 'insufficient-capacity':
      return { ...base, kind: 'capacity-exhausted', severity: 'critical', details: pick(d, ['unplaced', 'avoided']) };
    default:
      return undefined;
  }
}

function pick(data: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (data[key] !== undefined) out[key] = data[key];
  return out;
}
