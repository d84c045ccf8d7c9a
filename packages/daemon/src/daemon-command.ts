import { Command } from 'commander';
import { ConfigError } from './errors';
import { addSettingOptions, resolveSettings, type ResolvedSettings, type Setting } from './settings';

/** Exit codes shared by the daemons, so scripts and supervisors can tell failures apart. */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  /** Bad flags, environment or config file. */
  config: 2,
  /** The VIM refused this agent for good (wrong secret, incompatible version). */
  rejected: 3,
} as const;

/**
 * Builds a daemon's commander program from its settings, parses argv, and resolves the layered config.
 * Config errors print every problem and exit with EXIT_CODES.config; nothing starts half-configured.
 */
export function parseDaemonArgs<S extends Record<string, Setting<unknown>>>(
  name: string,
  summary: string,
  settings: S,
  argv: string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSettings<S> {
  const program = addSettingOptions(new Command(name).description(summary).helpOption('-h, --help', 'show this help'), settings)
    .allowExcessArguments(false)
    .showHelpAfterError(`(run ${name} --help for every setting)`);
  program.exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : EXIT_CODES.config);
  });
  program.parse(argv);
  try {
    return resolveSettings(settings, program.opts(), env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n(run ${name} --help for every setting)\n`);
      process.exit(EXIT_CODES.config);
    }
    throw error;
  }
}
