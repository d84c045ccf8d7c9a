import { loadConfig } from '../src/config';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('loadConfig', () => {
  test('defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      workMs: 20,
      maxWorkMs: 1000,
      graceMs: 10_000,
      container: 'unknown',
      vm: 'unknown',
      service: 'web',
    });
  });

  test('empty strings count as unset', () => {
    expect(loadConfig({ PORT: '', WORK_MS: '', MAX_WORK_MS: '', GRACE_MS: '', ACS_CONTAINER_NAME: '', ACS_VM_ID: '', ACS_SERVICE: '' })).toEqual(loadConfig({}));
  });

  test('reads every variable', () => {
    expect(
      loadConfig({ PORT: '9000', WORK_MS: '5', MAX_WORK_MS: '250', GRACE_MS: '0', ACS_CONTAINER_NAME: 'web-1', ACS_VM_ID: 'vm3', ACS_SERVICE: 'api' }),
    ).toEqual({ port: 9000, workMs: 5, maxWorkMs: 250, graceMs: 0, container: 'web-1', vm: 'vm3', service: 'api' });
  });

  test('the container name falls back to HOSTNAME, and ACS_CONTAINER_NAME wins over it', () => {
    expect(loadConfig({ HOSTNAME: 'abc123' }).container).toBe('abc123');
    expect(loadConfig({ HOSTNAME: 'abc123', ACS_CONTAINER_NAME: 'web-2' }).container).toBe('web-2');
  });

  test('bounds are inclusive', () => {
    const low = loadConfig({ PORT: '1', WORK_MS: '0', MAX_WORK_MS: '0', GRACE_MS: '0' });
    expect([low.port, low.workMs, low.maxWorkMs, low.graceMs]).toEqual([1, 0, 0, 0]);
    const high = loadConfig({ PORT: '65535', WORK_MS: '60000', MAX_WORK_MS: '60000', GRACE_MS: '600000' });
    expect([high.port, high.workMs, high.maxWorkMs, high.graceMs]).toEqual([65535, 60_000, 60_000, 600_000]);
  });

  test('a bad WORK_MS is named in the error', () => {
    const error = errorOf(() => loadConfig({ WORK_MS: 'lots' }));
    expect(error.message).toContain('bad environment');
    expect(error.message).toContain('WORK_MS=lots');
    expect(error.message).not.toContain('PORT');
  });

  test.each([['-1'], ['1.5'], ['60001'], ['abc'], ['NaN'], ['Infinity']])('WORK_MS=%s is rejected', (raw) => {
    expect(() => loadConfig({ WORK_MS: raw })).toThrow(`WORK_MS=${raw}`);
  });

  test('every bad variable is listed in one error', () => {
    const error = errorOf(() => loadConfig({ PORT: '0', WORK_MS: '-3', MAX_WORK_MS: 'big', GRACE_MS: '600001', ACS_SERVICE: 'web' }));
    for (const expected of ['PORT=0', 'WORK_MS=-3', 'MAX_WORK_MS=big', 'GRACE_MS=600001']) expect(error.message).toContain(expected);
    // One line per problem.
    expect(error.message.split('\n').filter((line) => line.trim().startsWith('- '))).toHaveLength(4);
  });

  test('PORT out of range is rejected', () => {
    expect(() => loadConfig({ PORT: '65536' })).toThrow('PORT=65536');
    expect(() => loadConfig({ PORT: '0' })).toThrow('PORT=0');
  });
});
