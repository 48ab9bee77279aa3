import { describe, expect, it } from 'vitest';
import { isAppOrigin, isAppUrl } from './url-policy';

describe('Electron URL policy', () => {
  it('allows the app origin and local-only schemes', () => {
    expect(isAppUrl('concord-app://app/index.html', null)).toBe(true);
    expect(isAppUrl('concord-app://app/api/volumes/3/voxels', null)).toBe(true);
    expect(isAppUrl('devtools://devtools/bundled/inspector.html', null)).toBe(true);
    expect(isAppUrl('data:image/png;base64,AAAA', null)).toBe(true);
  });
  it('refuses the network, files and other hosts of the app scheme', () => {
    expect(isAppUrl('https://example.com/', null)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', null)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', null)).toBe(false);
    expect(isAppUrl('concord-app://evil/index.html', null)).toBe(false);
    expect(isAppUrl('not a url', null)).toBe(false);
  });
  it('allows the dev server only when one is running', () => {
    expect(isAppUrl('http://localhost:5173/src/main.tsx', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('ws://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });
});

describe('IPC senders', () => {
  it("trust exactly the app's origin", () => {
    expect(isAppOrigin('concord-app://app/index.html', null)).toBe(true);
    expect(isAppOrigin('concord-app://app/', null)).toBe(true);
  });
  it('refuse data:, blob:, devtools: frames and look-alikes of the app', () => {
    expect(isAppOrigin('data:text/html,<script>1</script>', null)).toBe(false);
    expect(isAppOrigin('blob:concord-app://app/0b1f1c1e-7d7c-4b52-9a51-6f3c0a2f6f0e', null)).toBe(false);
    expect(isAppOrigin('devtools://devtools/bundled/inspector.html', null)).toBe(false);
    expect(isAppOrigin('concord-app://evil/index.html', null)).toBe(false);
    expect(isAppOrigin('concord-app://app.evil/index.html', null)).toBe(false);
    expect(isAppOrigin('concord-app://app:8080/index.html', null)).toBe(false);
    expect(isAppOrigin('about:blank', null)).toBe(false);
    expect(isAppOrigin('', null)).toBe(false);
  });
  it("trust the dev server's origin only in development, and only its own port", () => {
    expect(isAppOrigin('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppOrigin('http://localhost:5173/', null)).toBe(false);
    expect(isAppOrigin('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isAppOrigin('ws://localhost:5173/', 'http://localhost:5173')).toBe(false);
  });
});
