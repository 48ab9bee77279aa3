import fs from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { createServer } from 'vite';
import { describe, expect, it } from 'vitest';
import { devContentSecurityPolicy, devCspPlugin, inlineScriptHashes } from './dev-csp';

const RENDERER = path.resolve(import.meta.dirname, '../../../src-renderer');
const INDEX = fs.readFileSync(path.join(RENDERER, 'index.html'), 'utf8');

function policyOf(html: string): Map<string, string[]> {
  const m = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
  expect(m).not.toBeNull();
  return new Map(
    m![1]!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe("the built renderer's meta CSP", () => {
  it('allows no inline script and no socket to an arbitrary host', () => {
    const policy = policyOf(INDEX);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
  });
});

describe('the dev server page (npm run dev)', () => {
  it("allows exactly its inline scripts, the app origin and the dev server's socket", () => {
    const html = INDEX.replace('</head>', '<script type="module">window.x = 1;</script></head>');
    const policy = policyOf(devContentSecurityPolicy(html, 'http://localhost:5173'));
    expect(policy.get('script-src')).toEqual(["'self'", ...inlineScriptHashes(html)]);
    expect(inlineScriptHashes(html)).toEqual(["'sha256-U1BU0BfAhaBREBgsEDDctSYokOF3U7hQUIj6mrtukfw='"]);
    expect(policy.get('connect-src')).toEqual(["'self'", 'concord-app://app', 'ws://localhost:5173']);
    expect(policy.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it("lets Vite's React refresh preamble run: every inline script the dev server serves is hashed", async () => {
    const server = await createServer({
      configFile: false,
      root: RENDERER,
      logLevel: 'silent',
      plugins: [react(), devCspPlugin()],
      server: { middlewareMode: true, ws: false },
    });
    try {
      const html = await server.transformIndexHtml('/index.html', INDEX);
      expect(html).toContain('injectIntoGlobalHook'); // React's preamble is there, inline
      const hashes = inlineScriptHashes(html);
      expect(hashes.length).toBeGreaterThan(0);
      const policy = policyOf(html);
      for (const h of hashes) expect(policy.get('script-src')).toContain(h);
      expect(policy.get('connect-src')).toContain('concord-app://app');
    } finally {
      await server.close();
    }
  });
});
