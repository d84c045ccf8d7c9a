/**
 * One jest run for the whole repo. Unit tests import packages from source (mapped below), so they
 * need no build; tests that start real processes run the built binaries, which `npm test` builds first.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.tests.json' }],
  },
  moduleNameMapper: {
    '^@acs/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  // Process-level tests share ports and CPU; two workers keep a 2-core machine responsive.
  maxWorkers: 2,
  testTimeout: 30_000,
};
