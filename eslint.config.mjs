// ESLint 9 flat config: ESLint's and typescript-eslint's recommended rules over the sources,
// tests, benchmarks, examples and scripts (`npm run lint`; `npm test` runs it first).
// A rule is only ever silenced where it is wrong for one line, with the reason on that line
// (`// eslint-disable-next-line <rule> -- <why>`): a directive without a reason, or one that
// silences nothing, is an error.
import comments from '@eslint-community/eslint-plugin-eslint-comments';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import importRules from './scripts/eslint-import-rules.js';

export default defineConfig(
  globalIgnores(['lib/', 'build/', 'build-check/', 'docs/', 'coverage/', '**/cdktf.out/', '**/.gen/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@eslint-community/eslint-comments': comments },
    rules: { '@eslint-community/eslint-comments/require-description': 'error' },
  },
  {
    // The import graph of src/: no cycle (type-only imports included), and each folder imports
    // only the folders below it, as docs/architecture.md "Layout" says (scripts/eslint-import-rules.js).
    files: ['src/**/*.ts'],
    plugins: { 'import-graph': importRules.plugin },
    rules: { 'import-graph/no-cycle': 'error', 'import-graph/layers': 'error' },
  },
  {
    // The build scripts are CommonJS files that node runs as they are, not TypeScript that is
    // compiled to CommonJS: `require` is their only module system, so the TypeScript rule
    // against `require()` imports does not apply to them.
    files: ['scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
