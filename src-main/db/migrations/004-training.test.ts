// Migration 4 (training) on a schema-2 workspace holding data, and the rules it adds.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openDatabase } from '../open';
import { migration001 } from './001-initial';
import { migration002 } from './002-labelling';
import { MIGRATIONS } from './index';

describe('migration 004 (training)', () => {
  it('upgrades a schema-2 workspace, keeping its data, and adds the training tables', () => {
    const file = path.join(tempDir(), 'concord.db');
    const old = openDatabase(file, { migrations: [migration001, migration002] });
    old.exec("INSERT INTO projects (name, created_at) VALUES ('kept', 't')");
    old.close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT name FROM projects').all()).toEqual([{ name: 'kept' }]);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    for (const t of [
      'models',
      'training_runs',
      'training_epochs',
      'training_case_dice',
      'draft_outcomes',
      'volume_uncertainty',
    ])
      expect(tables).toContain(t);
    // A run's status is one of four; a run needs its project.
    expect(() =>
      db
        .prepare(
          `INSERT INTO training_runs (project_id, status, target, config_json, split_json, training_data_json, run_dir,
             created_by, created_at) VALUES (1, 'paused', 'vote', '{}', '{}', '{}', 'd', 'me', 't')`,
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO training_runs (project_id, status, target, config_json, split_json, training_data_json, run_dir,
             created_by, created_at) VALUES (99, 'running', 'vote', '{}', '{}', '{}', 'd', 'me', 't')`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    // A model's weights must be a known blob.
    expect(() =>
      db
        .prepare(
          `INSERT INTO models (name, architecture, format_version, config_json, labels_json, normalisation_json,
             weights_sha256, weights_bytes, origin, created_by, created_at)
           VALUES ('m', 'unet2d', 1, '{}', '[]', '{}', '${'a'.repeat(64)}', 1, 'trained', 'me', 't')`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
