/** Settings from the environment: the container's only input. */
export interface WorkloadConfig {
  port: number;
  /** CPU milliseconds burnt per request to `/` (WORK_MS). */
  workMs: number;
  /** Upper bound for `/work?ms=N` (MAX_WORK_MS). */
  maxWorkMs: number;
  /** How long SIGTERM waits for requests in flight before exiting anyway (GRACE_MS). */
  graceMs: number;
  container: string;
  vm: string;
  service: string;
}

export function loadConfig(env: NodeJS.ProcessEnv): WorkloadConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!(value >= min && value <= max)) {
      problems.push(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const config: WorkloadConfig = {
    port: int('PORT', 8080, 1, 65535),
    workMs: int('WORK_MS', 20, 0, 60_000),
    maxWorkMs: int('MAX_WORK_MS', 1000, 0, 60_000),
    graceMs: int('GRACE_MS', 10_000, 0, 600_000),
    container: env['ACS_CONTAINER_NAME'] || env['HOSTNAME'] || 'unknown',
    vm: env['ACS_VM_ID'] || 'unknown',
    service: env['ACS_SERVICE'] || 'web',
  };
  if (problems.length > 0) throw new Error(`acs-workload: bad environment:\n  - ${problems.join('\n  - ')}`);
  return config;
}
