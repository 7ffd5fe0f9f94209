import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'spec/fixtures/**/bad-*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        Request: 'readonly',
        Response: 'readonly',
        Headers: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        Buffer: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The status page's script runs in the browser, not in Node.
    files: ['actors/observe/status/page/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', EventSource: 'readonly', Date: 'readonly' },
    },
  },
  {
    // Machines are pure: no I/O, no timers, no streams. Effects arrive through provide().
    files: ['machines/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'machines/ is pure: effects belong in actors/.' },
            { group: ['rxjs', 'rxjs/*'], message: 'RxJS stays at the edges, in actors/.' },
            {
              group: ['**/actors/**', '**/workers/**', '**/bin/**'],
              message: 'machines import xstate and local types only.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'process', 'Date'],
    },
  },
  {
    // Worker-side code shares only the protocol and logging modules with the master.
    files: ['workers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/actors/**', '**/machines/**', '**/bin/**', '**/settings/**'],
              message: 'workers import protocol/ and logging/ only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The CLI is a thin layer over the public API: whatever it needs, an embedding program can have.
    files: ['bin/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/actors/**',
                '**/machines/**',
                '**/workers/**',
                '**/settings/**',
                '**/protocol/**',
                '**/logging/**',
                '**/errors.ts',
              ],
              message: 'bin/ imports the public API (index.ts) only.',
            },
          ],
        },
      ],
    },
  },
);
