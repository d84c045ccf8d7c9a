/**
 * Every benchmark's way out: Ctrl-C, SIGTERM, SIGHUP or its overall time limit all clean up (at most
 * 45 s) and exit. The first reason wins; later calls (e.g. the run failing because clean-up stopped its
 * daemons) wait for it. Returns `finish(code, message?)` for the script's own success and failure paths.
 */
export function boundRun(name: string, timeLimitMs: number, cleanup: () => Promise<void>): (code: number, message?: string) => Promise<never> {
  let finishing: Promise<never> | undefined;
  const finish = (code: number, message?: string): Promise<never> => {
    finishing ??= (async () => {
      if (message) console.error(message);
      await Promise.race([cleanup(), new Promise((resolve) => setTimeout(resolve, 45_000).unref())]);
      process.exit(code);
    })();
    return finishing;
  };
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => void finish(code, `${name}: ${signal}; cleaning up`));
  }
  setTimeout(() => void finish(1, `${name}: time limit of ${timeLimitMs / 60_000} minutes reached; cleaning up`), timeLimitMs).unref();
  return finish;
}
