#!/usr/bin/env node
// `npx concord …`: runs the built CLI (out/main/cli.js; `npm install` builds it, `npm run build` rebuilds it).
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'concord: the CLI is not built yet; run `npm run build` in the Concord folder first\n',
  );
  process.exit(1);
}
await import(cli.href);
