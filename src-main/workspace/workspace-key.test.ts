// The workspace key: created once, 0600, outside the database; the same id and key at every open; signatures
// that verify under its public key and under no other.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/tmp';
import { openWorkspace } from './workspace';
import { loadOrCreateWorkspaceKey, verifyWorkspaceSignature, workspaceIdOf } from './workspace-key';

describe('workspace key', () => {
  it('is created with the workspace, private, and the same at the next open', () => {
    const dir = path.join(tempDir(), 'ws');
    const ws = openWorkspace(dir);
    const first = ws.key;
    ws.close();
    const file = path.join(dir, 'workspace.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const again = loadOrCreateWorkspaceKey(dir);
    expect(again.id).toBe(first.id);
    expect(again.id).toMatch(/^[0-9a-f]{32}$/);
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
    expect(again.macKey.equals(first.macKey)).toBe(true);
    expect(workspaceIdOf(first.publicKeyPem)).toBe(first.id);
  });

  it('signs what only its public key verifies', () => {
    const a = loadOrCreateWorkspaceKey(tempDir());
    const b = loadOrCreateWorkspaceKey(tempDir());
    expect(a.id).not.toBe(b.id);
    const data = Buffer.from('manifest bytes');
    const sig = a.sign(data);
    expect(sig).toHaveLength(64);
    expect(verifyWorkspaceSignature(a.publicKeyPem, data, sig)).toBe(true);
    expect(verifyWorkspaceSignature(b.publicKeyPem, data, sig)).toBe(false);
    expect(verifyWorkspaceSignature(a.publicKeyPem, Buffer.from('manifest bytez'), sig)).toBe(false);
    expect(verifyWorkspaceSignature('not a key', data, sig)).toBe(false);
  });

  it('refuses a key file that is not an Ed25519 private key, in one line', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'workspace.key'), 'garbage', { mode: 0o600 });
    expect(() => loadOrCreateWorkspaceKey(dir)).toThrow(/workspace key .*workspace\.key cannot be read/);
  });
});
