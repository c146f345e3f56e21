import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The Electron shell: the only files allowed to import `electron`.
 * Everything else is plain TypeScript that takes its platform pieces as
 * arguments, so tests can run it under Node (see DESIGN.md, "Shape").
 */
const electronShell = ['electron/main.ts', 'electron/preload.ts'];
const electronShellDir = 'electron/shell/**';

export default tseslint.config(
  {
    ignores: ['node_modules', 'dist', 'release', 'test-results'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'no-console': 'error',
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      'no-warning-comments': [
        'error',
        { terms: ['todo', 'fixme', 'xxx'], location: 'start' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Only the Electron shell (main.ts, preload.ts, shell/) ' +
                'may import electron; take the platform piece as an argument.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [...electronShell, electronShellDir],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'No Electron in the UI.' }],
          patterns: [
            {
              regex: '^(\\.\\./)+electron/(?!ipc/contract$)',
              message:
                'The renderer imports nothing from electron/ but the ' +
                'IPC contract.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['build/relay/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
