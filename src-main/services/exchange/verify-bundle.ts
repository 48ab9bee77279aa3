// Checking a bundle before anything is written: its manifest's signature by the key it names, every
// member's checksum and size, no entry the manifest does not list, the audit trail it carries, and whether
// this workspace trusts the signer (trust on first use: an unknown signer is refused unless the user says
// to trust it, and then remembered, services/exchange/import-bundle.ts).
import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors';
import { readBundle } from '../../io/bundle/container';
import type { BundleHead, ExpectedMembers } from '../../io/bundle/container';
import { parseManifest } from '../../io/bundle/manifest';
import type { BundleManifest } from '../../io/bundle/manifest';
import { getTrustedSigner } from '../../db/repositories/exchange';
import { verifyWorkspaceSignature, workspaceIdOf } from '../../workspace/workspace-key';
import type { Workspace } from '../../workspace/workspace';
import { checkBundleAudit } from './bundle-audit';

export interface SignerInfo {
  workspaceId: string;
  /** The key's fingerprint as people compare it: the id in groups of four hex digits. */
  fingerprint: string;
  /** This workspace itself, or a signer it trusted before. */
  trusted: boolean;
  own: boolean;
  /** The profile that exported it, as the bundle says. */
  actor: string;
}

export interface VerifiedBundle {
  file: string;
  manifest: BundleManifest;
  /** sha256 of the signed manifest bytes: the bundle's identity. */
  manifestSha256: string;
  signer: SignerInfo;
}

export function fingerprintOf(workspaceId: string): string {
  return workspaceId.match(/.{1,4}/g)!.join(' ');
}

/** Parses the head of a bundle and checks its signature; throws InputError naming what is wrong. */
export function checkHead(
  file: string,
  manifestBytes: Buffer,
  signature: Buffer,
): { manifest: BundleManifest; manifestSha256: string } {
  const manifest = parseManifest(manifestBytes, file);
  let signerId: string;
  try {
    signerId = workspaceIdOf(manifest.exporter.publicKeyPem);
  } catch {
    throw new InputError(file, "the bundle's signing key is not an Ed25519 public key");
  }
  if (signerId !== manifest.exporter.workspaceId)
    throw new InputError(file, 'the bundle names a workspace that its key does not belong to');
  if (!verifyWorkspaceSignature(manifest.exporter.publicKeyPem, manifestBytes, signature))
    throw new InputError(
      file,
      "the bundle's signature does not match its manifest: it was altered or signed by another key",
    );
  checkBundleAudit(manifest, file);
  return { manifest, manifestSha256: createHash('sha256').update(manifestBytes).digest('hex') };
}

/** The members a checked manifest lists, as the bundle reader expects them. */
export function expectedMembers(manifest: BundleManifest): ExpectedMembers {
  return new Map(manifest.members.map((m) => [m.name, { sha256: m.sha256, bytes: m.bytes }]));
}

/**
 * Checks a bundle's head (checkHead) and says who signed it: the workspace's own key, a signer trusted
 * before, or an unknown one (reported, not refused: the importer decides). Writes nothing.
 */
export function checkSigner(ws: Workspace, file: string, head: BundleHead): VerifiedBundle {
  const { manifest, manifestSha256 } = checkHead(file, head.manifest, head.signature);
  const id = manifest.exporter.workspaceId;
  const own = id === ws.key.id;
  const known = getTrustedSigner(ws.db, id);
  if (known && known.publicKeyPem.trim() !== manifest.exporter.publicKeyPem.trim())
    throw new InputError(
      file,
      `the bundle claims workspace ${id} with a different key than the one trusted here`,
    );
  return {
    file,
    manifest,
    manifestSha256,
    signer: {
      workspaceId: id,
      fingerprint: fingerprintOf(id),
      trusted: own || known !== undefined,
      own,
      actor: manifest.exporter.actor,
    },
  };
}

/** Reads the whole bundle once: head and signer checked, every member hashed (none kept). Writes nothing. */
export async function verifyBundle(
  ws: Workspace,
  file: string,
  progress: (fraction: number) => void = () => undefined,
): Promise<VerifiedBundle> {
  let verified: VerifiedBundle | null = null;
  await readBundle(
    file,
    (head) => {
      verified = checkSigner(ws, file, head);
      return expectedMembers(verified.manifest);
    },
    () => null,
    progress,
  );
  return verified!;
}
