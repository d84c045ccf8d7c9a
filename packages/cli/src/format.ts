/** Renders rows as a left-aligned text table with a header, like kubectl's default output. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "512B", "1.5KiB", "12MiB": rounded first, so 1048575 bytes reads "1.0MiB", not "1024KiB". */
export function bytes(n: number): string {
  let unit = 0;
  let value = n;
  for (;;) {
    const shown = value >= 10 || unit === 0 ? Math.round(value) : Math.round(value * 10) / 10;
    if (shown < 1024 || unit === UNITS.length - 1) {
      return `${shown >= 10 || unit === 0 ? shown.toFixed(0) : shown.toFixed(1)}${UNITS[unit]}`;
    }
    value /= 1024;
    unit++;
  }
}

/** "850ms", "12s", "4m", "3h", rounded before the unit is chosen (59.6 s reads "1m", not "60s"). */
export function age(ms: number | null): string {
  if (ms === null) return '-';
  const t = Math.max(0, ms);
  if (Math.round(t) < 1000) return `${Math.round(t)}ms`;
  if (Math.round(t / 1000) < 60) return `${Math.round(t / 1000)}s`;
  if (Math.round(t / 60_000) < 60) return `${Math.round(t / 60_000)}m`;
  return `${Math.round(t / 3_600_000)}h`;
}

export function pct(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(1)}%`;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Wall-clock time in the local zone: "14:02:07" when it is today, with the date in front otherwise, so a line
 * from last week never passes for one from this morning. Text that is not a date is returned as it came.
 */
export function clock(iso: string, now: Date = new Date()): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const time = `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
  return t.toDateString() === now.toDateString() ? time : `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${time}`;
}

/** Milliseconds from an ISO time until `now`; null when the time does not parse, for `age`. */
export function since(iso: string, now: number = Date.now()): number | null {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : now - t;
}

/**
 * A VM's status for people: `down (why)`, or `ready (docker down)` while its Docker Engine is not
 * answering (it takes no new containers). An unknown Docker state (older agent or VIM) adds nothing.
 */
export function vmStatus(vm: { status: string; downReason?: string | null; dockerUp?: boolean | null }): string {
  if (vm.status === 'down') return vm.downReason === undefined ? 'down' : `down (${vm.downReason ?? '?'})`;
  return vm.dockerUp === false ? `${vm.status} (docker down)` : vm.status;
}

/** "1 container", "3 containers". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
