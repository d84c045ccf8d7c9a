import { LABEL_MANAGED, LABEL_SERVICE, LABEL_VMM, isOwnedBy, ownLabelFilter, ownLabels } from '../src/runtime/labels';

describe('container labels', () => {
  test('ownLabels marks the container as managed by this VMM for this service', () => {
    expect(ownLabels('vm1', 'web')).toEqual({ 'acs.managed': 'true', 'acs.vmm': 'vm1', 'acs.service': 'web' });
    expect(LABEL_MANAGED).toBe('acs.managed');
    expect(LABEL_VMM).toBe('acs.vmm');
    expect(LABEL_SERVICE).toBe('acs.service');
  });

  test('ownLabelFilter selects managed containers of exactly this agent', () => {
    expect(ownLabelFilter('vm1')).toEqual({ label: ['acs.managed=true', 'acs.vmm=vm1'] });
    expect(ownLabelFilter('vm-2')).toEqual({ label: ['acs.managed=true', 'acs.vmm=vm-2'] });
  });

  test('ownLabelFilter matches what ownLabels sets', () => {
    const labels = ownLabels('vm7', 'api');
    for (const term of ownLabelFilter('vm7').label) {
      const [key, value] = term.split('=') as [string, string];
      expect(labels[key]).toBe(value);
    }
  });

  test('isOwnedBy is true for this agent\'s own labels', () => {
    expect(isOwnedBy(ownLabels('vm1', 'web'), 'vm1')).toBe(true);
    expect(isOwnedBy({ ...ownLabels('vm1', 'web'), other: 'x' }, 'vm1')).toBe(true);
  });

  test('isOwnedBy is false for another VMM\'s containers', () => {
    expect(isOwnedBy(ownLabels('vm2', 'web'), 'vm1')).toBe(false);
    expect(isOwnedBy(ownLabels('vm10', 'web'), 'vm1')).toBe(false);
    expect(isOwnedBy(ownLabels('vm1', 'web'), 'vm10')).toBe(false);
  });

  test('isOwnedBy is false for unlabelled or partly labelled containers', () => {
    expect(isOwnedBy(undefined, 'vm1')).toBe(false);
    expect(isOwnedBy({}, 'vm1')).toBe(false);
    expect(isOwnedBy({ 'acs.vmm': 'vm1' }, 'vm1')).toBe(false);
    expect(isOwnedBy({ 'acs.managed': 'true' }, 'vm1')).toBe(false);
    expect(isOwnedBy({ 'acs.managed': 'false', 'acs.vmm': 'vm1' }, 'vm1')).toBe(false);
    expect(isOwnedBy({ 'acs.managed': 'TRUE', 'acs.vmm': 'vm1' }, 'vm1')).toBe(false);
    expect(isOwnedBy({ 'com.docker.compose.project': 'x' }, 'vm1')).toBe(false);
  });
});
