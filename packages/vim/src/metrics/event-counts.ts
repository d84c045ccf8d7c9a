import type { NewEvent } from '../events';

/** A change of a service's desired count, as `acs_scaling_actions_total` labels it. */
export interface ScalingAction {
  service: string;
  direction: 'up' | 'down';
  reason: string;
}

/** A start or stop command sent to a VMM and how it ended, as `acs_container_commands_total` labels it. */
export interface CommandOutcome {
  service: string;
  command: 'start' | 'stop';
  outcome: 'ok' | 'failed';
}

/**
 * Which scaling action an event records, if any: an autoscaler decision that changed the count (its
 * reason, e.g. `metrics`, `forecast`, `clamped-min`), a count set by hand (`operator`), or running
 * containers adopted on a first start (`adopt`). Decisions that kept the count are not actions.
 */
export function scalingActionOf(event: Pick<NewEvent, 'kind' | 'service' | 'data'>): ScalingAction | undefined {
  if (event.service === null) return undefined;
  const d = event.data;
  let from: unknown;
  let to: unknown;
  let reason: string;
  if (event.kind === 'decision') {
    [from, to, reason] = [d['current'], d['desired'], labelValue(d['reason'])];
  } else if (event.kind === 'operator' && 'to' in d) {
    [from, to, reason] = [d['from'], d['to'], 'operator'];
  } else if (event.kind === 'operator' && 'running' in d) {
    [from, to, reason] = [d['from'], d['desired'], 'adopt'];
  } else {
    return undefined;
  }
  if (typeof from !== 'number' || typeof to !== 'number' || from === to) return undefined;
  return { service: event.service, direction: to > from ? 'up' : 'down', reason };
}

/** The outcome of a container command an event records, if it records one. */
export function commandOutcomeOf(event: Pick<NewEvent, 'kind' | 'service' | 'data'>): CommandOutcome | undefined {
  if (event.kind !== 'command' || event.service === null) return undefined;
  const command = event.data['command'];
  if (command !== 'start' && command !== 'stop') return undefined;
  return { service: event.service, command, outcome: event.data['ok'] === true ? 'ok' : 'failed' };
}

/** Reasons are short kebab-case words; anything else (a future free-text field) becomes `other`, keeping label values few. */
function labelValue(value: unknown): string {
  return typeof value === 'string' && /^[a-z][a-z0-9-]{0,39}$/.test(value) ? value : 'other';
}
