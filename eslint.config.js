// Lint rules, including the import boundaries of DESIGN.md §7:
//  - src-main/core imports nothing outside itself (no node:, no npm packages, no other folders);
//  - `electron` is imported only in src-main/host/electron and src-preload;
//  - the renderer imports from src-main only pure helpers in src-main/core, or types (`import type`).
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const root = path.dirname(new URL(import.meta.url).pathname);
const coreDir = path.join(root, 'src-main', 'core') + path.sep;
const mainDir = path.join(root, 'src-main') + path.sep;

/** Every way a module names another: import, export-from, dynamic import. */
function eachSource(context, check) {
  const visit = (node) => {
    if (node.source && typeof node.source.value === 'string') check(node, node.source.value);
  };
  return {
    ImportDeclaration: visit,
    ExportNamedDeclaration: visit,
    ExportAllDeclaration: visit,
    ImportExpression: visit,
  };
}

const boundaries = {
  rules: {
    'core-is-pure': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        return eachSource(context, (node, src) => {
          const inside = src.startsWith('.') && path.resolve(path.dirname(file), src).startsWith(coreDir);
          if (!inside) {
            context.report({
              node,
              message: `core/ is pure TypeScript and imports only core/ (found '${src}')`,
            });
          }
        });
      },
    },
    'renderer-imports-pure-main': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        return eachSource(context, (node, src) => {
          if (!src.startsWith('.')) return;
          const target = path.resolve(path.dirname(file), src);
          const typeOnly = node.importKind === 'type' || node.exportKind === 'type';
          if (target.startsWith(mainDir) && !target.startsWith(coreDir) && !typeOnly) {
            context.report({
              node,
              message: `the renderer may import only types or src-main/core helpers from main (found '${src}')`,
            });
          }
        });
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'resources/**', 'e2e/artifacts/**', 'coverage/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { boundaries },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'electron is imported only in src-main/host/electron and src-preload',
            },
          ],
        },
      ],
      eqeqeq: ['error', 'always'],
      // Numeric kernels index typed arrays under noUncheckedIndexedAccess; `!` is the honest idiom there.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-invalid-void-type': 'off',
    },
  },
  // Tests of core code may use vitest and Node to reach fixtures; the code under test may not.
  {
    files: ['src-main/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'boundaries/core-is-pure': 'error' },
  },
  {
    files: ['src-main/host/electron/**/*.ts', 'src-preload/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'boundaries/renderer-imports-pure-main': 'error',
    },
  },
);
