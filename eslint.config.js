import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'data'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { ecmaVersion: 2023, globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests read loosely typed JSON off the wire.
    files: ['server/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.tsx', 'widget/**/*.tsx'],
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
            { group: ['react', 'react/*', 'react-dom', 'react-dom/*', 'preact', 'preact/*'], message: 'src/core must not depend on React.' },
            { group: ['**/server/**'], message: 'src/core must not import server code.' },
          ],
        },
      ],
    },
  },
  {
    // Plain scripts that run in a browser page (the widget demo host page).
    files: ['widget/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Integration tests and benchmarks start the real local server; shipped core code never does.
    files: ['src/**/*.integration.test.ts', 'src/core/bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
