import { createPolicy, type Backend } from '../src';
import { context, sequence } from './helpers';

describe('least-loaded', () => {
  it.each<{ name: string; list: Backend[]; expected: string }>([
    {
      name: 'lowest CPU wins, regardless of inflight',
      list: [b('a', 80, 0), b('b', 20, 5), b('c', 50, 1)],
      expected: 'b',
    },
    {
      name: 'unknown CPU counts as worst',
      list: [b('unknown', undefined, 0), b('hot', 99, 7)],
      expected: 'hot',
    },
    {
      name: 'unknown ties with 100%, then inflight per capacity decides',
      list: [b('unknown', undefined, 1), b('full', 100, 3)],
      expected: 'unknown',
    },
    {
      name: 'NaN CPU is treated as unknown',
      list: [b('nan', Number.NaN, 0), b('warm', 60, 4)],
      expected: 'warm',
    },
    {
      name: 'equal CPU: lower inflight per capacity wins',
      list: [b('a', 40, 4, 2), b('b', 40, 3, 1), b('c', 40, 5, 4)],
      expected: 'c',
    },
  ])('$name', ({ list, expected }) => {
    expect(createPolicy('least-loaded').pick(list, context())?.id).toBe(expected);
  });

  it('with nothing to tell them apart (no reports, idle), rotates', () => {
    const list = [b('a', undefined, 0), b('b', undefined, 0), b('c', undefined, 0)];
    expect(sequence(createPolicy('least-loaded'), list, 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
});

function b(id: string, cpuPct: number | undefined, inflight: number, weight = 1): Backend {
  return cpuPct === undefined ? { id, inflight, weight } : { id, inflight, weight, cpuPct };
}
