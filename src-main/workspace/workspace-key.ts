// The workspace's own key pair (Ed25519, Node's crypto): it signs the bundles this workspace exports and
// seals its audit trail, so that another workstation can tell who sent a bundle and whether anything in it
// or in the audit log was changed. The private key lives in `workspace.key` beside concord.db, never in the
// database, so that a copy of the database alone cannot forge rows or bundles; the file is created 0600
// (PKCS#8 PEM) and written atomically (temp file + rename) so a killed process never leaves half a key.
//
// The workspace id is the first 32 hex digits of sha256 over the raw 32-byte public key: stable for the
// workspace's life, and the same on every machine that has seen its public key.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const WORKSPACE_KEY_FILE = 'workspace.key';

export interface WorkspaceKey {
  /** 32 hex digits: sha256 of the raw public key, first 16 bytes. */
  id: string;
  /** The public key, SPKI PEM: what a bundle carries and a receiver remembers. */
  publicKeyPem: string;
  /** Ed25519 signature (64 bytes) of `data`. */
  sign(data: Uint8Array): Buffer;
  /**
   * A 32-byte secret derived from the private key, for keyed hashes (HMAC-SHA256) over the audit rows:
   * cheaper than a signature per row and equally unforgeable without the key file.
   */
  macKey: Buffer;
}

/** Loads `<dir>/workspace.key`, creating it (0600) when the workspace has none yet. */
export function loadOrCreateWorkspaceKey(dir: string): WorkspaceKey {
  const file = path.join(dir, WORKSPACE_KEY_FILE);
  if (!fs.existsSync(file)) writeNewKey(file);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(fs.readFileSync(file));
  } catch (err) {
    throw new Error(`the workspace key ${file} cannot be read: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`the workspace key ${file} is not an Ed25519 key`);
  return keyFromPrivate(privateKey);
}

function keyFromPrivate(privateKey: KeyObject): WorkspaceKey {
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const raw = privateKey.export({ type: 'pkcs8', format: 'der' });
  return {
    id: workspaceIdOf(publicKeyPem),
    publicKeyPem,
    sign: (data) => sign(null, data, privateKey),
    macKey: createHash('sha256').update('concord audit mac\n').update(raw).digest(),
  };
}

function writeNewKey(file: string): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tmp = `${file}.${process.pid}.part`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, pem);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  // Another process may have created the key meanwhile: keep theirs (link fails when the file exists).
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The workspace id of a public key (SPKI PEM): sha256 of its raw 32 bytes, first 16 bytes in hex. */
export function workspaceIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  // An Ed25519 SPKI is a 12-byte header followed by the 32-byte key.
  return createHash('sha256')
    .update(der.subarray(der.length - 32))
    .digest('hex')
    .slice(0, 32);
}

/** True when `signature` is `publicKeyPem`'s Ed25519 signature of `data`; false for any malformed input. */
export function verifyWorkspaceSignature(
  publicKeyPem: string,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return verify(null, data, createPublicKey(publicKeyPem), signature);
  } catch {
    return false;
  }
}
