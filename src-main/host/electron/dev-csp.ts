// `npm run dev` (electron-vite dev): Electron shows the renderer from Vite's dev server, and the meta
// Content-Security-Policy of src-renderer/index.html, right for the built app, breaks it three ways: React's
// refresh preamble is an inline script (script-src 'self' refuses it), the page (http://localhost:5173) reads
// voxels from concord-app://app (another origin), and Vite's client talks to its hot-reload socket. In
// development only, the served index.html's policy gains the SHA-256 of each inline script, the app origin
// and the dev server's socket in connect-src; nothing else is loosened, and the built app is not touched
// (the plugin applies to `serve` only).
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';
import { APP_ORIGIN } from './url-policy';

const META = /(<meta\b[^>]*http-equiv=["']Content-Security-Policy["'][^>]*\bcontent=")([^"]*)(")/i;
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

/** 'sha256-…' sources for the inline scripts of a page (exactly the text between the tags). */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(SCRIPT)) {
    const attrs = m[1] ?? '';
    const body = m[2] ?? '';
    if (/\bsrc\s*=/i.test(attrs) || body.length === 0) continue;
    hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

function addSources(policy: string, additions: Record<string, string[]>): string {
  const directives = policy
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => d.split(/\s+/));
  for (const [name, sources] of Object.entries(additions)) {
    let directive = directives.find((d) => d[0] === name);
    if (!directive) {
      directive = [name, "'self'"];
      directives.push(directive);
    }
    for (const s of sources) if (!directive.includes(s)) directive.push(s);
  }
  return directives.map((d) => d.join(' ')).join('; ');
}

/** The page's policy for the dev server at `devOrigin` (e.g. http://localhost:5173). */
export function devContentSecurityPolicy(html: string, devOrigin: string): string {
  const socket = devOrigin.replace(/^http/, 'ws');
  return html.replace(META, (_all, before: string, policy: string, after: string) => {
    const widened = addSources(policy, {
      'script-src': inlineScriptHashes(html),
      'connect-src': [APP_ORIGIN, socket],
    });
    return `${before}${widened}${after}`;
  });
}

/** The Vite plugin (renderer config of electron.vite.config.ts). */
export function devCspPlugin(): Plugin {
  return {
    name: 'concord-dev-csp',
    apply: 'serve',
    transformIndexHtml: {
      // After every other plugin has injected its inline scripts (React's preamble among them).
      order: 'post',
      handler(html, ctx) {
        const server = ctx.server;
        const url = server?.resolvedUrls?.local[0];
        const origin = url ? new URL(url).origin : `http://localhost:${server?.config.server.port ?? 5173}`;
        return devContentSecurityPolicy(html, origin);
      },
    },
  };
}
