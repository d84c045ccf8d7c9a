import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceStore, ServiceStoreError, type PersistedState } from '../src/scaling/service-store';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'acs-store-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const STATE: PersistedState = {
  version: 1,
  services: { web: { desired: 3, autoscale: false, scaling: { strategy: 'reactive', minReplicas: 1 }, placement: { strategy: 'spread' } } },
  drainingVms: ['vm-a'],
  knownVms: ['vm-a', 'vm-b'],
};

test('nothing saved yet: undefined (a first start)', () => {
  expect(new ServiceStore(dir).load()).toBeUndefined();
});

test('saved state comes back whole, in a file only its owner can read', () => {
  new ServiceStore(dir).save(STATE);
  expect(new ServiceStore(dir).load()).toEqual(STATE);
  expect(statSync(join(dir, 'services.json')).mode & 0o777).toBe(0o600);
});

test('without a data dir nothing is kept', () => {
  const store = new ServiceStore(undefined);
  store.save(STATE);
  expect(store.load()).toBeUndefined();
});

test.each([
  ['not JSON', '{"version": 1,', /not JSON/],
  ['another shape', '{"version": 2, "services": {}}', /not the shape/],
  ['a bad service entry', JSON.stringify({ ...STATE, services: { web: { desired: 'three' } } }), /not the shape/],
])('%s: a ServiceStoreError naming the file and what to do', (_name, text, cause) => {
  writeFileSync(join(dir, 'services.json'), text);
  let caught: unknown;
  try {
    new ServiceStore(dir).load();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ServiceStoreError);
  expect((caught as ServiceStoreError).message).toMatch(cause);
  expect((caught as ServiceStoreError).message).toContain(join(dir, 'services.json'));
  expect((caught as ServiceStoreError).message).toContain('move the file away');
  // The bad file is left for the operator to look at.
  expect(readFileSync(join(dir, 'services.json'), 'utf8')).toBe(text);
});
