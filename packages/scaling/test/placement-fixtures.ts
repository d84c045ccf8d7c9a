import type { PlacementContainer, PlacementSnapshot, PlacementVm } from '../src/placement';

/** A container: a bare string is a ready, 1-core container of that service. */
export type ContainerSpec = string | (Partial<PlacementContainer> & { service: string });

export type VmSpec = Partial<Omit<PlacementVm, 'id' | 'containers'>> & { containers?: ContainerSpec[] };

/**
 * A ready, idle VM with room for 10 containers and 8 cores unless told otherwise. Container ids are
 * `<vm>/<service><n>` unless given, so expectations read naturally.
 */
export function vm(id: string, spec: VmSpec = {}): PlacementVm {
  const { containers = [], ...rest } = spec;
  const seen: Record<string, number> = {};
  return {
    id,
    status: 'ready',
    draining: false,
    maxContainers: 10,
    cpuCapacity: 8,
    ...rest,
    containers: containers.map((c) => {
      const base = typeof c === 'string' ? { service: c } : c;
      const n = (seen[base.service] = (seen[base.service] ?? 0) + 1);
      return { id: `${id}/${base.service}${n}`, cpus: 1, state: 'ready', ...base };
    }),
  };
}

/** `count` ready containers of `service`. */
export function many(service: string, count: number): string[] {
  return Array.from({ length: count }, () => service);
}

/** Deep-frozen, so any attempt to mutate the snapshot throws in strict-mode code. */
export function frozen(snapshot: PlacementSnapshot): PlacementSnapshot {
  return Object.freeze(
    snapshot.map((v) => Object.freeze({ ...v, containers: Object.freeze(v.containers.map((c) => Object.freeze({ ...c }))) })),
  );
}

export function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected an Error to be thrown');
}
