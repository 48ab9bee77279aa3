import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseSqliteBinding, explainOpenFailure } from './sqlite-binding';

const target = { abi: '143', platform: 'linux', arch: 'x64' };

describe("the Electron host's better-sqlite3", () => {
  it('is the Electron build for the running ABI, beside the Node build', () => {
    const file = path.join(
      '/opt/concord',
      'native',
      'better-sqlite3',
      'electron-v143-linux-x64',
      'better_sqlite3.node',
    );
    expect(chooseSqliteBinding('/opt/concord', target, (f) => f === file)).toEqual({
      kind: 'electron',
      file,
    });
  });
  it('is loaded from app.asar.unpacked in a packaged app', () => {
    const root = path.join('/opt/Concord', 'resources', 'app.asar');
    const b = chooseSqliteBinding(root, target, () => true);
    expect(b).toEqual({
      kind: 'electron',
      file: path.join(
        '/opt/Concord',
        'resources',
        'app.asar.unpacked',
        'native',
        'better-sqlite3',
        'electron-v143-linux-x64',
        'better_sqlite3.node',
      ),
    });
  });
  it('when missing, the error names the file and how to make it', () => {
    const b = chooseSqliteBinding('/opt/concord', target, () => false);
    expect(b.kind).toBe('missing');
    const text = explainOpenFailure(b, new Error('was compiled against NODE_MODULE_VERSION 115'), '40.10.2');
    expect(text).toContain('NODE_MODULE_VERSION 115');
    expect(text).toContain('Electron (40.10.2, electron-v143-linux-x64)');
    expect(text).toContain(
      path.join('native', 'better-sqlite3', 'electron-v143-linux-x64', 'better_sqlite3.node'),
    );
    expect(text).toContain('npm run native:electron');
    expect(explainOpenFailure({ kind: 'electron', file: '/x' }, new Error('disk full'), '40.10.2')).toBe(
      'disk full',
    );
  });
});
