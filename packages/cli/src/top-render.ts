import type { DashboardSnapshot, DashboardVm, EventView } from '@acs/api-types';
import { clock } from './format';

/** Everything one frame of `acs top` shows. */
export interface TopView {
  api: string;
  /** The last snapshot the VIM sent; null before the first. */
  snapshot: DashboardSnapshot | null;
  /** Set while refreshing fails: what went wrong and since when (epoch ms). */
  problem: { message: string; since: number } | null;
  now: number;
}

export interface TopSize {
  columns: number;
  /** Infinity when printing once: nothing to fit, show everything. */
  rows: number;
}

/** Narrowest layout drawn; a narrower terminal just gets every line cut at its edge. */
const MIN_COLUMNS = 40;
const FULL = '█';
const EMPTY = '░';
const ASCII_FULL = '#';
const ASCII_EMPTY = '.';
/** The state column: wide enough for `docker down 12/16`. */
const STATE_WIDTH = 17;

/** Cuts `text` to `width` columns, marking the cut with an ellipsis. */
export function fit(text: string, width: number, ascii = false): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  const mark = ascii ? '~' : '…';
  return width === 1 ? mark : text.slice(0, width - 1) + mark;
}

/** A bar `width` cells wide filled in proportion to `pct` of 100 (clamped); null draws an empty bar. */
export function bar(pct: number | null, width: number, ascii = false): string {
  const filled = pct === null || !Number.isFinite(pct) ? 0 : Math.round((Math.max(0, Math.min(100, pct)) / 100) * width);
  return (ascii ? ASCII_FULL : FULL).repeat(filled) + (ascii ? ASCII_EMPTY : EMPTY).repeat(width - filled);
}

function num(value: number | null, digits = 1): string {
  return value === null || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function ms(value: number | null): string {
  return value === null ? '-' : `${Math.round(value)} ms`;
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))} s`;
}

interface Columns {
  name: number;
  bar: number;
}

/**
 * Widths of the tree's name and bar columns for a terminal `columns` wide: the name column as wide as the
 * longest name when there is room (so the bars sit next to the names), else cut.
 */
function layout(columns: number, longestName: number): Columns {
  const width = Math.max(MIN_COLUMNS, columns);
  // The bar gives way first on a narrow terminal: names and numbers carry more than its resolution.
  const bar = Math.max(5, Math.min(30, Math.floor(width / 6)));
  // name, space, [bar], space, "100%", two spaces, state, two spaces, in-flight (9), space, req/s (7), space, queued (6)
  const room = Math.max(8, width - (1 + bar + 2 + 1 + 4 + 2 + STATE_WIDTH + 2 + 9 + 1 + 7 + 1 + 6));
  return { name: Math.min(room, Math.max(14, longestName)), bar };
}

function row(cols: Columns, name: string, pct: number | null, state: string, inflight: string, rps: string, ascii: boolean): string {
  const pctText = pct === null ? '   -' : `${Math.round(pct)}%`.padStart(4);
  return `${fit(name, cols.name, ascii).padEnd(cols.name)} [${bar(pct, cols.bar, ascii)}] ${pctText}  ${fit(state, STATE_WIDTH, ascii).padEnd(STATE_WIDTH)}  ${inflight.padStart(9)} ${rps.padStart(7)}`;
}

function treeLines(vms: DashboardVm[], cols: Columns, ascii: boolean): string[] {
  const lines = [`${'VM / CONTAINER'.padEnd(cols.name)} ${'CPU'.padEnd(cols.bar + 7)}  ${'STATE'.padEnd(STATE_WIDTH)}  ${'IN-FLIGHT'.padStart(9)} ${'REQ/S'.padStart(7)} ${'QUEUED'.padStart(6)}`];
  for (const vm of vms) {
    const live = vm.containers.filter((c) => c.state !== 'exited').length;
    const state = vm.status === 'down' ? 'down' : `${vmCondition(vm)}${live}/${vm.maxContainers}`;
    const inflight = vm.containers.reduce((sum, c) => sum + c.inflight, 0);
    // Tier 2 queues per VM, not per container: the count goes on the VM's row only.
    const queued = vm.queued === null ? '-' : String(vm.queued);
    lines.push(`${row(cols, vm.id, vm.cpuPct, state, String(inflight), num(vm.requestsPerSecond), ascii)} ${queued.padStart(6)}`);
    for (const c of vm.containers) {
      const cState = c.draining ? 'draining' : c.ready ? 'ready' : c.state;
      lines.push(row(cols, `  ${c.name}`, c.cpuPct, cState, String(c.inflight), '', ascii));
    }
  }
  if (vms.length === 0) lines.push('No VM has connected yet.');
  return lines;
}

/** Why a ready VM takes no new containers, if it does not: a Docker outage is the fault to fix, so it is named over draining. */
function vmCondition(vm: DashboardVm): string {
  if (vm.dockerUp === false) return 'docker down ';
  return vm.draining ? 'draining ' : '';
}

function eventLines(events: EventView[], now: Date): string[] {
  return events.map((e) => {
    const reason = typeof e.data['reason'] === 'string' && !e.message.includes(e.data['reason']) ? ` (reason: ${e.data['reason']})` : '';
    return `${clock(e.at, now)}  ${e.kind.padEnd(10)} ${e.message.replace(/\s*\n\s*/g, ' ')}${reason}`;
  });
}

/**
 * One frame of `acs top`, a pure function of the view and the terminal size: every line at most
 * `columns` wide and at most `rows` lines. When rows are short the VM tree is cut first (with a line
 * saying how much is hidden), but a few events always stay in view.
 */
export function renderTop(view: TopView, size: TopSize, options: { ascii?: boolean } = {}): string[] {
  const ascii = options.ascii ?? false;
  const columns = Math.max(1, Math.floor(size.columns));
  const now = new Date(view.now);
  const status = view.problem ? `VIM unreachable for ${seconds(view.now - view.problem.since)}, retrying` : view.snapshot ? 'live' : 'connecting';
  const title = `acs top  ${view.api}  ${clock(now.toISOString(), now)}`;
  const head = [title.length + 2 + status.length <= columns ? title + ' '.repeat(columns - title.length - status.length) + status : `${title}  ${status}`];
  if (view.problem) head.push(`! ${view.problem.message}`);
  const snap = view.snapshot;
  if (snap === null) return clip([...head, '', 'Waiting for the first snapshot…'], columns, size.rows, ascii);
  const s = snap.sample;
  head.push(`traffic  offered ${num(s.offeredRps)} req/s  served ${num(s.servedRps)} req/s  errors ${num(s.errorRps)}/s  latency p50 ${ms(s.latencyMs.p50)}  p99 ${ms(s.latencyMs.p99)}`);
  for (const svc of snap.services) {
    const last = svc.lastDecision ? `  last: ${svc.lastDecision.summary}` : '';
    head.push(`${svc.name}  replicas ${svc.ready}/${svc.desired} ready  desired ${svc.desired}  starting ${svc.starting}  autoscale ${svc.autoscale ? 'on' : 'off'}${last}`);
  }
  const longest = Math.max(0, ...snap.vms.flatMap((vm) => [vm.id.length, ...vm.containers.map((c) => c.name.length + 2)]));
  let tree = treeLines(snap.vms, layout(columns, longest), ascii);
  if (snap.totalVms > snap.vms.length) tree.push(`… and ${snap.totalVms - snap.vms.length} more VMs`);
  let events = ['LAST EVENTS', ...eventLines(snap.events, now)];
  if (snap.events.length === 0) events.push('No events yet.');
  if (Number.isFinite(size.rows)) {
    const room = size.rows - head.length - 2; // two blank separator lines
    const eventRoom = Math.min(events.length, Math.max(4, Math.floor(room / 3)));
    const treeRoom = Math.max(0, room - eventRoom);
    if (tree.length > treeRoom) {
      const hidden = tree.length - Math.max(0, treeRoom - 1);
      tree = treeRoom > 0 ? [...tree.slice(0, treeRoom - 1), `… ${hidden} more lines (enlarge the terminal)`] : [];
    }
    events = events.slice(0, Math.max(0, room - tree.length));
  }
  return clip([...head, '', ...tree, '', ...events], columns, size.rows, ascii);
}

function clip(lines: string[], columns: number, rows: number, ascii: boolean): string[] {
  return lines.slice(0, Number.isFinite(rows) ? Math.max(0, rows) : undefined).map((l) => fit(l.trimEnd(), columns, ascii));
}
