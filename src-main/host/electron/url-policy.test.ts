import { describe, expect, it } from 'vitest';
import { isAppUrl } from './url-policy';

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
