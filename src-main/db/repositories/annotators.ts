// Annotator profiles <-> AnnotatorInfo. password_hash is never returned to callers outside the sign-in
// check (see services/identity/passwords.ts for its format).
import type { AnnotatorInfo, Role } from '../../core/model';
import type { Db } from '../open';

export interface AnnotatorRow extends AnnotatorInfo {
  passwordHash: string | null;
}

const SELECT = `SELECT id, uid, name, role, created_at AS createdAt, password_hash AS passwordHash FROM annotators`;

function toInfo(r: AnnotatorRow): AnnotatorInfo {
  return {
    id: r.id,
    uid: r.uid,
    name: r.name,
    role: r.role,
    createdAt: r.createdAt,
    hasPassword: r.passwordHash !== null,
  };
}

export function listAnnotators(db: Db): AnnotatorInfo[] {
  return (db.prepare(`${SELECT} ORDER BY name COLLATE NOCASE`).all() as AnnotatorRow[]).map(toInfo);
}

export function getAnnotatorRow(db: Db, id: number): AnnotatorRow | undefined {
  return db.prepare(`${SELECT} WHERE id = ?`).get(id) as AnnotatorRow | undefined;
}

export function getAnnotator(db: Db, id: number): AnnotatorInfo | undefined {
  const r = getAnnotatorRow(db, id);
  return r && toInfo(r);
}

/** Names are unique regardless of case ("Reader 1" and "reader 1" are one profile). */
export function findAnnotatorByName(db: Db, name: string): AnnotatorInfo | undefined {
  const r = db.prepare(`${SELECT} WHERE name = ? COLLATE NOCASE`).get(name) as AnnotatorRow | undefined;
  return r && toInfo(r);
}

/** True while no admin can sign in: the first profile may then be created signed out (and must be an admin). */
export function isFirstRun(db: Db): boolean {
  const row = db
    .prepare("SELECT count(*) AS n FROM annotators WHERE role = 'admin' AND password_hash IS NOT NULL")
    .get() as { n: number };
  return row.n === 0;
}

/**
 * Call inside a transaction that also appends the audit row. `uid`: the profile's id on the machine it came
 * from (an exchange bundle); without one the database makes a new UUID (migration 007).
 */
export function insertAnnotator(
  db: Db,
  a: { name: string; role: Role; passwordHash: string | null; uid?: string },
  at: string,
): number {
  return Number(
    db
      .prepare('INSERT INTO annotators (name, role, password_hash, created_at, uid) VALUES (?, ?, ?, ?, ?)')
      .run(a.name, a.role, a.passwordHash, at, a.uid ?? null).lastInsertRowid,
  );
}

export function findAnnotatorByUid(db: Db, uid: string): AnnotatorInfo | undefined {
  const r = db.prepare(`${SELECT} WHERE uid = ?`).get(uid) as AnnotatorRow | undefined;
  return r && toInfo(r);
}

export function setPasswordHash(db: Db, id: number, passwordHash: string): void {
  db.prepare('UPDATE annotators SET password_hash = ? WHERE id = ?').run(passwordHash, id);
}
