/**
 * shellcheck on every shell script in the repo (Vagrant provisioning, setup scripts, wrappers): the files
 * named *.sh and those whose first line is a sh or bash shebang.
 */
import { spawnSync } from 'node:child_process';
import { openSync, readSync, closeSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './support/processes';

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.stage', '.vagrant', 'coverage', '.acs', 'test-artifacts', 'sim-report']);
const SHEBANG = /^#!\s*(\/usr\/bin\/env\s+(-S\s+)?)?(\/bin\/|\/usr\/bin\/)?(sh|bash|dash)(\s|$)/;

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(128);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8').split('\n')[0]!;
  } finally {
    closeSync(fd);
  }
}

function shellScripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) || entry.name.startsWith('.acs') ? [] : shellScripts(path);
    if (!entry.isFile()) return [];
    return entry.name.endsWith('.sh') || SHEBANG.test(firstLine(path)) ? [path] : [];
  });
}

test('every shell script in the repo passes shellcheck', () => {
  const scripts = shellScripts(REPO_ROOT);
  const names = scripts.map((s) => relative(REPO_ROOT, s));
  expect(names).toEqual(expect.arrayContaining(['scripts/setup-docker.sh', 'scripts/setup-test-tools.sh', 'vagrant/provision.sh', 'vagrant/acs-vmm.sh']));
  const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (version.error) throw new Error('shellcheck is not installed: run scripts/setup-test-tools.sh as root (Debian package shellcheck)');
  const result = spawnSync('shellcheck', ['--format=gcc', '--external-sources', ...names], { cwd: REPO_ROOT, encoding: 'utf8' });
  // The findings themselves are the failure message.
  expect(`${result.stdout}${result.stderr}`).toBe('');
  expect(result.status).toBe(0);
});

test('the finder knows a shell script by its shebang as well as by its name', () => {
  expect(SHEBANG.test('#!/usr/bin/env bash')).toBe(true);
  expect(SHEBANG.test('#!/bin/sh')).toBe(true);
  expect(SHEBANG.test('#!/usr/bin/env node')).toBe(false);
  expect(SHEBANG.test('#!/bin/bashful')).toBe(false);
});
