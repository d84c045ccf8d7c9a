import type { EventKind, EventListResponse, EventView } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { age, clock, plural, since } from '../format';
import { eventsPath } from './events';

/** Enough for any one control period's actions; a longer tail is summarised by count anyway. */
const WHY_ACTION_LIMIT = 100;
/** Messages quoted per kind of action before "and N more". */
const QUOTED_PER_KIND = 3;

/** The kinds that are consequences of a decision, in the order a paragraph tells them. */
const ACTION_KINDS = ['placement', 'command', 'insufficient-capacity'] as const satisfies readonly EventKind[];
type ActionKind = (typeof ACTION_KINDS)[number];

export async function whyCommand(client: AdminClient, options: { service: string }, out: (text: string) => void): Promise<void> {
  const decisions = await client.get<EventListResponse>(eventsPath({ kind: 'decision', service: options.service, limit: 1 }));
  const decision = decisions.events.at(-1);
  if (decision === undefined) {
    out(`The autoscaler has not made a decision for ${options.service} yet: it decides once a control period while autoscale is on (see acs status).`);
    return;
  }
  const later = await client.get<EventListResponse>(eventsPath({ since: decision.id, service: options.service, limit: WHY_ACTION_LIMIT }));
  // A decision made between the two requests owns what follows it; this paragraph is about the first one.
  const next = later.events.findIndex((e) => e.kind === 'decision' && e.id > decision.id);
  const actions = (next === -1 ? later.events : later.events.slice(0, next)).filter((e) => e.id > decision.id && isAction(e.kind));
  out(explainDecision(decision, actions, new Date()));
}

function isAction(kind: EventKind): kind is ActionKind {
  return (ACTION_KINDS as readonly EventKind[]).includes(kind);
}

/**
 * One paragraph: when, what the autoscaler did, the VIM's own reasoning, then what happened because of it.
 * `data` is whatever the VIM recorded, so every field is optional here: a missing one drops its words, never
 * the paragraph.
 */
export function explainDecision(decision: EventView, actions: readonly EventView[], now: Date): string {
  const data = decision.data as Record<string, unknown> | null | undefined;
  const desired = count(data?.['desired']);
  const current = count(data?.['current']) ?? count(data?.['currentReplicas']);
  const reason = text(data?.['reason']);
  const because = bare(text(data?.['summary']) ?? decision.message);
  const service = decision.service ?? 'the service';

  const when = `At ${clock(decision.at, now)} (${age(since(decision.at, now.getTime()))} ago)`;
  const what =
    desired === undefined
      ? `made a decision for ${service}`
      : current === undefined
        ? `set ${service} to ${plural(desired, 'container')}`
        : desired > current
          ? `scaled ${service} up from ${current} to ${plural(desired, 'container')}`
          : desired < current
            ? `scaled ${service} down from ${current} to ${plural(desired, 'container')}`
            : `kept ${service} at ${plural(desired, 'container')}`;
  const reasonNote = reason !== undefined && !because.includes(reason) ? ` (${reason})` : '';
  const head = `${when} the autoscaler ${what}${reasonNote}${because === '' ? '' : `: ${because}`}.`;
  return `${head} ${consequences(actions, desired !== undefined && desired === current)}`;
}

function consequences(actions: readonly EventView[], unchanged: boolean): string {
  if (actions.length === 0) {
    return unchanged ? 'Nothing had to be started or stopped.' : 'No container has been placed, started or stopped since.';
  }
  const parts = ACTION_KINDS.flatMap((kind) => {
    const ofKind = actions.filter((e) => e.kind === kind);
    if (ofKind.length === 0) return [];
    return [`${ACTION_PHRASES[kind](ofKind.length)} (${quote(ofKind)})`];
  });
  return `Since then the VIM ${series(parts)}.`;
}

const ACTION_PHRASES: Record<ActionKind, (n: number) => string> = {
  placement: (n) => `placed ${plural(n, 'container')}`,
  command: (n) => `sent ${plural(n, 'command')} to VMMs`,
  'insufficient-capacity': (n) => `found no VM with room ${n === 1 ? 'once' : `${n} times`}`,
};

function quote(events: readonly EventView[]): string {
  const shown = events.slice(0, QUOTED_PER_KIND).map((e) => bare(e.message));
  const more = events.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

/** "a", "a and b", "a, b and c". */
function series(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

/** A message as a clause inside our sentence: one line, no full stop of its own. */
function bare(message: string | undefined): string {
  return (message ?? '').replace(/\s+/g, ' ').trim().replace(/[.\s]+$/, '');
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}
