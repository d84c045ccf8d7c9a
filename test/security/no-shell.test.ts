/**
 * No command line is ever built as a shell string: every child process gets an argument array, so a value from
 * configuration or the network (an image name, an agent id, a path) can never become shell syntax. This scans
 * the sources of packages/, scripts/, bench/ and test/ and fails on the three ways a shell sneaks in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../support/processes';

const ROOTS = ['packages', 'scripts', 'bench', 'test'];
const SOURCE = /\.(ts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git']);
/** This file names the patterns it forbids. */
const SELF = relative(REPO_ROOT, __filename);

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) found.push(...sources(join(dir, entry.name)));
    } else if (SOURCE.test(entry.name)) {
      found.push(join(dir, entry.name));
    }
  }
  return found;
}

const FORBIDDEN: Array<{ what: string; pattern: RegExp }> = [
  { what: 'shell: true (a spawn option that hands the command line to /bin/sh)', pattern: /\bshell\s*:\s*(true|['"`])/ },
  { what: 'exec/execSync imported from child_process (they always run a shell)', pattern: /import\s*\{[^}]*\b(exec|execSync)\b[^}]*\}\s*from\s*['"](node:)?child_process['"]/ },
  { what: 'child_process.exec/execSync called through the module', pattern: /\b(child_process|childProcess|cp)\.(exec|execSync)\s*\(/ },
  { what: 'a shell spawned by name with -c (sh/bash -c runs its argument as a command line)', pattern: /\(\s*['"`](?:\/bin\/)?(?:ba|da)?sh['"`]\s*,\s*\[\s*['"`]-c['"`]/ },
  { what: 'exec/execSync required from child_process', pattern: /\{[^}]*\b(exec|execSync)\b[^}]*\}\s*=\s*require\(\s*['"](node:)?child_process['"]\s*\)/ },
];

test('no source in packages/, scripts/, bench/ or test/ runs a command through a shell', () => {
  const files = ROOTS.flatMap((root) => sources(join(REPO_ROOT, root))).filter((file) => relative(REPO_ROOT, file) !== SELF);
  expect(files.length).toBeGreaterThan(100);
  const offences: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const { what, pattern } of FORBIDDEN) {
      const match = pattern.exec(text);
      if (match) offences.push(`${relative(REPO_ROOT, file)}:${text.slice(0, match.index).split('\n').length}: ${what}`);
    }
  }
  expect(offences).toEqual([]);
});

test('the scan does catch each forbidden form', () => {
  const samples = [
    "spawn('docker', ['ps'], { shell: true })",
    "import { exec } from 'node:child_process';",
    "import { spawn, execSync } from 'child_process';",
    'child_process.exec(`docker rm ${id}`)',
    "const { execSync } = require('child_process');",
    "execFileSync('sh', ['-c', `docker save ${image} | docker load`])",
    "spawnSync('/bin/bash', ['-c', 'command -v x'])",
  ];
  for (const sample of samples) expect([sample, FORBIDDEN.some(({ pattern }) => pattern.test(sample))]).toEqual([sample, true]);
  expect(FORBIDDEN.some(({ pattern }) => pattern.test("execFileSync('docker', args); /^a$/.exec(text)"))).toBe(false);
  expect(FORBIDDEN.some(({ pattern }) => pattern.test("spawnSync('bash', [join(dir, 'provision.sh')])"))).toBe(false);
});
