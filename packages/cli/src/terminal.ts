/** What the live `acs top` needs of a terminal; the real one is the process's, tests may bring their own. */
export interface Terminal {
  columns(): number;
  rows(): number;
  write(text: string): void;
  /**
   * Takes the keyboard (raw mode) and the stop signals until the returned function is called, which gives
   * them back exactly as they were. `stop` is called on SIGINT, SIGTERM and SIGHUP.
   */
  capture(handlers: { key: (data: string) => void; resize: () => void; stop: () => void }): () => void;
}

/** Alternate screen on, cursor hidden; and back. */
export const ENTER_SCREEN = '\x1b[?1049h\x1b[?25l';
export const LEAVE_SCREEN = '\x1b[?25h\x1b[?1049l';
/** Home, then each line erased to its end, then everything below erased: no flicker from a full clear. */
export function frame(lines: string[]): string {
  return `\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\r\n')}\x1b[J`;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The process's terminal, or undefined when stdout is not one (output to a file or a pipe). */
export function processTerminal(): Terminal | undefined {
  const { stdout, stdin } = process;
  if (!stdout.isTTY) return undefined;
  return {
    columns: () => stdout.columns || 80,
    rows: () => stdout.rows || 24,
    write: (text) => void stdout.write(text),
    capture({ key, resize, stop }) {
      const raw = stdin.isTTY ? stdin.isRaw : false;
      const onKey = (data: Buffer): void => key(data.toString('utf8'));
      if (stdin.isTTY) stdin.setRawMode(true);
      stdin.on('data', onKey);
      stdin.resume();
      stdout.on('resize', resize);
      for (const signal of STOP_SIGNALS) process.on(signal, stop);
      return () => {
        for (const signal of STOP_SIGNALS) process.off(signal, stop);
        stdout.off('resize', resize);
        stdin.off('data', onKey);
        if (stdin.isTTY) stdin.setRawMode(raw);
        stdin.pause();
      };
    },
  };
}
