// Lint rules, including the import boundaries of DESIGN.md §7 and the layers of the README's "How it is
// built":
//  - src-main/core imports nothing outside itself (no node:, no npm packages, no other folders);
//  - `electron` is imported only in src-main/host/electron and src-preload;
//  - the renderer imports from src-main only pure helpers in src-main/core, or types (`import type`);
//  - main never imports the renderer; services never import hosts; only the CLI imports the benchmarks; below services (db, io, workspace,
//    workers, training) nothing imports the IPC contract: they speak the domain model (core/model);
//  - a service area imports only the areas below it (SERVICE_LAYERS);
//  - vitest is imported only by tests and test-support modules.
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { resolveAlias } from './scripts/lib/path-aliases.mjs';

const root = path.dirname(new URL(import.meta.url).pathname);
const coreDir = path.join(root, 'src-main', 'core') + path.sep;
const mainDir = path.join(root, 'src-main') + path.sep;

/** The absolute path a specifier names within the repository (relative or aliased), or null for a
 *  package or a built-in. */
function resolveImport(file, src) {
  if (src.startsWith('.')) return path.resolve(path.dirname(file), src);
  return resolveAlias(src);
}

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

/** Service areas and the areas each may import (services/<area>/...). The root modules of services/
 *  (context, validate, jobs, handler-types, ...) are open to every area, except the two that assemble
 *  them all: handlers.ts and create-services.ts. */
const SERVICE_LAYERS = {
  identity: [],
  masks: ['identity'],
  workspace: ['identity'],
  labelling: ['identity', 'masks', 'workspace'],
  consensus: ['identity', 'masks'],
  training: ['identity', 'masks'],
  // Exchange with other tools (NRRD, data sets for training elsewhere): the data set export merges raters
  // (consensus) and picks targets as training does.
  interop: ['identity', 'masks', 'workspace', 'consensus', 'training'],
  exchange: ['identity', 'masks', 'workspace'],
  team: ['identity', 'masks', 'workspace', 'labelling'],
  // The viewer's measurements: blinded like annotations (identity).
  measure: ['identity'],
  'test-support': [
    'identity',
    'masks',
    'workspace',
    'labelling',
    'consensus',
    'training',
    'interop',
    'exchange',
    'team',
    'measure',
  ],
};
const servicesDir = path.join(root, 'src-main', 'services') + path.sep;
const ASSEMBLY = new Set([path.join(servicesDir, 'handlers'), path.join(servicesDir, 'create-services')]);

/** Folders a file may not import from, with why (paths relative to the repository root). */
const FORBIDDEN = [
  { files: 'src-main/', targets: ['src-renderer/'], why: 'main never imports the renderer' },
  { files: 'src-main/services/', targets: ['src-main/host/'], why: 'services never import hosts' },
  {
    files: 'src-main/',
    except: ['src-main/bench/', 'src-main/host/cli/'],
    targets: ['src-main/bench/'],
    why: 'the benchmarks stand apart from the product: only the CLI reaches them',
  },
  ...['db', 'io', 'workspace', 'workers', 'training', 'core'].map((d) => ({
    files: `src-main/${d}/`,
    targets: ['src-preload/', 'src-main/services/', 'src-main/host/'],
    why: `${d}/ sits below the services and the contract: it speaks the domain model (core/model)`,
  })),
];

const isTest = (file) => /\.test\.tsx?$/.test(file) || /(^|[\\/])test-support([\\/.])/.test(file);

const boundaries = {
  rules: {
    layers: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        const rel = path.relative(root, file);
        const rules = FORBIDDEN.filter(
          (r) => rel.startsWith(r.files) && !(r.except ?? []).some((e) => rel.startsWith(e)),
        );
        const area = file.startsWith(servicesDir) ? path.relative(servicesDir, file).split(path.sep) : null;
        return eachSource(context, (node, src) => {
          if (src === 'vitest' && !isTest(file)) {
            context.report({ node, message: 'vitest is imported only by tests and test-support modules' });
            return;
          }
          const target = resolveImport(file, src);
          if (target === null) return;
          const targetRel = path.relative(root, target);
          for (const r of rules) {
            const hit = r.targets.find((t) => targetRel.startsWith(t));
            if (hit) context.report({ node, message: `${r.why} (found '${src}')` });
          }
          if (area && area.length > 1 && !isTest(file)) {
            const from = area[0];
            if (!target.startsWith(servicesDir)) return;
            const to = path.relative(servicesDir, target).split(path.sep);
            if (to.length === 1) {
              if (ASSEMBLY.has(target.replace(/\.tsx?$/, '')))
                context.report({ node, message: `services/${from} may not import the assembly ('${src}')` });
              return;
            }
            const allowed = SERVICE_LAYERS[from];
            if (to[0] !== from && allowed && !allowed.includes(to[0]))
              context.report({
                node,
                message: `services/${from} imports only ${allowed.length ? allowed.join(', ') : 'the services root'} below it (found '${src}')`,
              });
          }
        });
      },
    },
    'core-is-pure': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        return eachSource(context, (node, src) => {
          const target = resolveImport(file, src);
          const inside = target !== null && target.startsWith(coreDir);
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
          const target = resolveImport(file, src);
          if (target === null) return;
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
  // Size guards for a reader: a file over ~500 lines of code, or a function over ~150, holds more than one
  // thing. The few exceptions are listed with why.
  {
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
    },
  },
  // Type-aware rules: a promise nobody awaits or handles is a failure nobody sees.
  {
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts', 'src-renderer/**/*.{ts,tsx}', 'e2e/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts', 'src-renderer/**/*.{ts,tsx}', 'e2e/**/*.ts'],
    rules: { 'boundaries/layers': 'error' },
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
  // The viewer is a component library with one public entry (DESIGN.md §8): outside src-renderer/src/viewer,
  // the app shell and the features import `viewer` (its index.ts) and never a file inside it.
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    ignores: ['src-renderer/src/viewer/**'],
    plugins: {
      'viewer-entry': {
        rules: {
          'only-index': {
            meta: { type: 'problem', schema: [] },
            create(context) {
              const viewerDir = path.join(root, 'src-renderer', 'src', 'viewer');
              const entries = new Set([
                viewerDir,
                path.join(viewerDir, 'index'),
                path.join(viewerDir, 'index.ts'),
              ]);
              return eachSource(context, (node, src) => {
                if (!src.startsWith('.')) return;
                const target = path.resolve(path.dirname(context.filename), src);
                if (target.startsWith(viewerDir + path.sep) && !entries.has(target)) {
                  context.report({
                    node,
                    message: `outside viewer/, import the viewer's public entry (viewer/index.ts), not '${src}'`,
                  });
                }
              });
            },
          },
        },
      },
    },
    rules: { 'viewer-entry/only-index': 'error' },
  },
  // Size guard for the renderer (DESIGN.md §7: each file does one thing and is named after it): a file stays
  // under 500 lines, a component or a hook under 200 (blank lines and comments not counted). Tests are
  // exempt from the function limit (a describe block holds all of a file's cases).
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: { 'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src-renderer/**/*.tsx', 'src-renderer/**/use*.ts'],
    ignores: ['src-renderer/**/*.test.tsx'],
    rules: {
      'max-lines-per-function': ['error', { max: 200, skipBlankLines: true, skipComments: true }],
    },
  },
  // Exceptions, each with its reason:
  //  - useAnnotation (209): one effect opens the annotation and wires the editor, the save queue and the
  //    conflict resolution, whose closures share the same live/editor/queue state; splitting it is a change
  //    of its own, not part of the size guard.
  {
    files: ['src-renderer/src/features/annotation/useAnnotation.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
);
