import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What must survive a VIM restart so that the restart itself changes nothing: each service's desired
 * count, whether a person pinned it, its policy as last set, which VMs drained, and which VMs ran
 * containers (so the VIM knows whom to wait for before reconciling).
 */
export interface PersistedService {
  desired: number;
  autoscale: boolean;
  /** Predictive settings (absent before they were first saved). */
  predictive?: Record<string, unknown>;
  /** The scaling policy and placement settings as the API last accepted them (validated on load). */
  scaling: Record<string, unknown>;
  placement: Record<string, unknown>;
}

export interface PersistedState {
  version: 1;
  services: Record<string, PersistedService>;
  drainingVms: string[];
  knownVms: string[];
}

export class ServiceStoreError extends Error {
  readonly code = 'state-unreadable';
  constructor(
    readonly path: string,
    cause: string,
  ) {
    super(`cannot read the VIM's saved state ${path}: ${cause}. Fix or move the file away (the VIM then starts from defaults and the containers the agents report)`);
    this.name = 'ServiceStoreError';
  }
}

/**
 * `services.json` in the data dir, written whole to a temporary file and renamed, so a crash never leaves
 * half a file. Without a data dir (in-process tests) nothing is kept.
 */
export class ServiceStore {
  readonly path: string | undefined;

  constructor(dataDir: string | undefined) {
    this.path = dataDir === undefined ? undefined : join(dataDir, 'services.json');
  }

  /** The saved state, or undefined on a first start. @throws ServiceStoreError when the file exists but is not ours. */
  load(): PersistedState | undefined {
    if (this.path === undefined) return undefined;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ServiceStoreError(this.path, (error as Error).message);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ServiceStoreError(this.path, `not JSON (${(error as Error).message})`);
    }
    if (!isPersistedState(parsed)) throw new ServiceStoreError(this.path, 'not the shape this version writes');
    return parsed;
  }

  save(state: PersistedState): void {
    if (this.path === undefined) return;
    writeFileAtomically(this.path, `${JSON.stringify(state, null, 2)}\n`);
  }
}

/** `forecast-<service>.json`: the forecaster's history and model, written every minute. */
export class ForecastFile {
  readonly path: string | undefined;

  constructor(dataDir: string | undefined, service: string) {
    this.path = dataDir === undefined ? undefined : join(dataDir, `forecast-${service}.json`);
  }

  /** The saved forecast, or undefined (none, or unreadable: the history is rebuilt, and the caller says so). */
  load(): { value: unknown } | { error: string } | undefined {
    if (this.path === undefined) return undefined;
    try {
      return { value: JSON.parse(readFileSync(this.path, 'utf8')) as unknown };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return { error: (error as Error).message };
    }
  }

  save(value: unknown): void {
    if (this.path === undefined) return;
    writeFileAtomically(this.path, JSON.stringify(value));
  }
}

/** Whole or not at all: a crash mid-write leaves the previous file, never half of one. Owner-only (0600). */
function writeFileAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

function isPersistedState(value: unknown): value is PersistedState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<PersistedState>;
  if (v.version !== 1 || typeof v.services !== 'object' || v.services === null) return false;
  if (!Array.isArray(v.drainingVms) || !Array.isArray(v.knownVms)) return false;
  return Object.values(v.services).every(
    (s: Partial<PersistedService>) =>
      Number.isInteger(s.desired) && typeof s.autoscale === 'boolean' && typeof s.scaling === 'object' && s.scaling !== null && typeof s.placement === 'object' && s.placement !== null,
  );
}
