// The PACS servers a workspace knows: a name, a DICOMweb base URL and a time limit per request. Kept in the
// workspace's settings table (key 'pacs.servers'), so no schema change is needed; each change is audited.
// No password is stored: a server that needs one is reached through the hospital's own proxy.
import { InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { getSetting, setSetting } from '../../db/repositories/settings';
import { checkBaseUrl, DEFAULT_TIMEOUT_MS } from '../../io/dicomweb/client';
import type { PacsEndpoint } from '../../io/dicomweb/client';

export interface PacsServer {
  name: string;
  url: string;
  /** Milliseconds one request may take until its whole answer has arrived. */
  timeoutMs: number;
}

const KEY = 'pacs.servers';

export function listPacsServers(db: Db): PacsServer[] {
  return getSetting<PacsServer[]>(db, KEY) ?? [];
}

export function checkServerName(name: string): string {
  const n = name.trim();
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u.test(n))
    throw new InputError(
      undefined,
      `a PACS name has 1-64 letters, digits, spaces, '.', '_' or '-' (got '${name}')`,
    );
  return n;
}

export function checkTimeoutSeconds(s: number): number {
  if (!Number.isFinite(s) || s <= 0 || s > 3600)
    throw new InputError(undefined, `--timeout takes seconds, more than 0 and at most 3600 (got ${s})`);
  return Math.round(s * 1000);
}

/** Adds a server, or replaces the one of that name; returns it. */
export function savePacsServer(
  db: Db,
  input: { name: string; url: string; timeoutMs?: number },
  actor: string,
): PacsServer {
  const server: PacsServer = {
    name: checkServerName(input.name),
    url: checkBaseUrl(input.url),
    timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  db.transaction(() => {
    const servers = listPacsServers(db);
    const before = servers.find((s) => s.name === server.name) ?? null;
    setSetting(db, KEY, [...servers.filter((s) => s.name !== server.name), server]);
    appendAudit(db, { actor, action: 'pacs.save', detail: { before, after: server } });
  })();
  return server;
}

export function removePacsServer(db: Db, name: string, actor: string): void {
  db.transaction(() => {
    const servers = listPacsServers(db);
    const before = servers.find((s) => s.name === name);
    if (!before) throw new NotFoundError(`no PACS named '${name}' in this workspace`);
    setSetting(
      db,
      KEY,
      servers.filter((s) => s.name !== name),
    );
    appendAudit(db, { actor, action: 'pacs.remove', detail: { before } });
  })();
}

/** The endpoint of a named server, with a time limit the caller may override (milliseconds). */
export function pacsEndpoint(
  db: Db,
  name: string,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): PacsEndpoint {
  const s = listPacsServers(db).find((x) => x.name === name);
  if (!s) {
    const known = listPacsServers(db).map((x) => x.name);
    throw new NotFoundError(
      `no PACS named '${name}' in this workspace (${known.length ? `known: ${known.join(', ')}` : 'add one with concord pacs add'})`,
    );
  }
  return { name: s.name, url: s.url, timeoutMs: opts.timeoutMs ?? s.timeoutMs, signal: opts.signal };
}
