import { POLICY_NAMES, UnknownPolicyError, createPolicy, isPolicyName } from '../src';

describe('registry', () => {
  it.each(POLICY_NAMES)('createPolicy(%p) returns a policy of that name', (name) => {
    expect(createPolicy(name).name).toBe(name);
  });

  it('returns a fresh instance each time, so balancers never share cursors', () => {
    expect(createPolicy('round-robin')).not.toBe(createPolicy('round-robin'));
  });

  it.each(['bogus', '', 'Round-Robin', 'toString', '__proto__'])('rejects %p with UnknownPolicyError', (name) => {
    expect(isPolicyName(name)).toBe(false);
    const error = captureError(() => createPolicy(name));
    expect(error).toBeInstanceOf(UnknownPolicyError);
    expect(error).toMatchObject({ code: 'unknown-policy', policy: name, name: 'UnknownPolicyError' });
  });

  it('lists every known policy in the error message', () => {
    const { message } = captureError(() => createPolicy('bogus'));
    expect(message).toContain('"bogus"');
    for (const name of POLICY_NAMES) expect(message).toContain(name);
  });

  it.each(POLICY_NAMES)('isPolicyName(%p) is true', (name) => {
    expect(isPolicyName(name)).toBe(true);
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected an Error to be thrown');
}
