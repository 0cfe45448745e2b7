import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', '.tsbuild', 'node_modules', 'test-results', 'playwright-report', 'data'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      ecmaVersion: 2023,
      // Type information from the tsconfig projects (tsconfig.json's references, src/core/tsconfig.json).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // preact's `act` with a synchronous callback flushes at once, throws at once and returns a
      // promise that is already resolved: dropping it loses nothing.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'preact/test-utils', name: 'act' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A switch without `default` names every case; one with `default` handles the rest on purpose.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Tests read loosely typed JSON off the wire.
    files: ['server/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Globals by where the code runs (for TypeScript files the tsconfig projects' `lib`/`types` decide too).
  { files: ['src/**', 'widget/**'], languageOptions: { globals: globals.browser } },
  {
    // Tests run in happy-dom under Node; the integration tests and the benchmark in Node.
    files: ['**/*.test.{ts,tsx}', 'src/**/testing/**', 'widget/**/testing/**', 'src/core/bench/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  { files: ['server/**', 'build/**', '*.{js,ts}'], languageOptions: { globals: globals.node } },
  // Playwright specs run in Node and hand functions to the page (page.evaluate).
  { files: ['e2e/**'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    // Hooks live in .ts files too (use-*.ts); src/core has no React.
    files: ['src/**/*.{ts,tsx}', 'widget/**/*.{ts,tsx}'],
    ignores: ['src/core/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The sync engine is framework-free: React reads it through subscribe/getSnapshot.
    files: ['src/core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react/*', 'react-dom', 'react-dom/*', 'preact', 'preact/*'],
              message: 'src/core must not depend on React.',
            },
            { group: ['**/server/**'], message: 'src/core must not import server code.' },
          ],
        },
      ],
    },
  },
  {
    // Integration tests and benchmarks start the real local server; shipped core code never does.
    files: ['src/**/*.integration.test.ts', 'src/core/bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
