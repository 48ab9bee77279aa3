// The import aliases of the source tree, one list for every tool that resolves imports: the build
// (electron.vite.config.ts), the unit tests (vitest.config.ts) and lint (eslint.config.js, whose layer rules
// must see through them). tsconfig.base.json's "paths" says the same for the type checker and esbuild.
//   @core/...     src-main/core/...        the pure core (domain model, geometry, metrics, labelling, ...)
//   @contract     src-preload/contract     the IPC contract (its feature files as @contract/<feature>)
//   @preload/...  src-preload/...          the preload's other modules (the wire format)
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Alias prefix -> absolute folder (or file, for a bare alias), longest prefixes first. */
export const PATH_ALIASES = [
  { find: '@contract/', replacement: path.join(root, 'src-preload', 'contract') + path.sep },
  { find: '@contract', replacement: path.join(root, 'src-preload', 'contract', 'index.ts') },
  { find: '@core/', replacement: path.join(root, 'src-main', 'core') + path.sep },
  { find: '@preload/', replacement: path.join(root, 'src-preload') + path.sep },
];

/** The absolute path an aliased specifier names, or null when it is not an alias. */
export function resolveAlias(specifier) {
  for (const { find, replacement } of PATH_ALIASES) {
    if (find.endsWith('/') ? specifier.startsWith(find) : specifier === find)
      return replacement + specifier.slice(find.length);
  }
  return null;
}

/** For Vite and Vitest: exact matches for bare aliases, prefixes for the others. */
export function viteAliases() {
  return PATH_ALIASES.map(({ find, replacement }) =>
    find.endsWith('/')
      ? { find: new RegExp(`^${find.replace(/[/]/g, '\\/')}`), replacement }
      : { find: new RegExp(`^${find}$`), replacement },
  );
}
