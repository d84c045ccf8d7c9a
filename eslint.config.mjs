import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '**/*.js', '**/*.mjs', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Sources through their package's tsconfig; tests and benchmarks through tsconfig.tests.json.
      parserOptions: { project: ['./packages/*/tsconfig.json', './tsconfig.tests.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Packages meet only at their public entry: `@acs/x`, never `@acs/x/src/...` or a relative path
      // into another package's folder.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@acs/*/*'], message: 'Import another package only through its public entry (@acs/name).' },
            {
              regex: '^(\\.\\./)+(packages/)?(protocol|daemon|vim|vmm|cli|balancing|scaling|sim|workload|loadgen)/',
              message: 'Import another package through @acs/name, not by relative path.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
