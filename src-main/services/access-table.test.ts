// Who may call each request channel, and what an annotator may see in its answer, in one table over every
// channel of the contract (a new channel without a row does not compile). Four callers: a signed-out
// window, an annotator (Ann), a reviewer and an admin. The case is not opened for review, so blinding is in
// force: another annotator's (Bob's) annotation, revisions, name and figures must appear in no answer to
// Ann. A row's request targets what the caller could legitimately name; a call is "allowed" when its answer
// is anything but 'forbidden' (ids that do not exist answer not-found or bad-input after the access check).
import { describe, expect, it } from 'vitest';
import type { AnnotatorInfo, RequestChannel, Role } from '../../src-preload/contract';
import { fill, labellingFixture, type Fixture, type Window } from './test-support/labelling';

type Who = 'out' | Role;
const EVERYONE: Who[] = ['out', 'annotator', 'reviewer', 'admin'];
const SIGNED_IN: Who[] = ['annotator', 'reviewer', 'admin'];
const MANAGERS: Who[] = ['reviewer', 'admin'];
const ADMIN: Who[] = ['admin'];

interface World {
  fx: Fixture;
  projectId: number;
  volumeId: number;
  caseId: number;
  /** Each caller's own annotation of case A (none for signed out). */
  own: Partial<Record<Who, { annotationId: number; revisionId: number }>>;
  bob: { annotationId: number; revisions: number[]; name: string };
  profiles: Record<Role, AnnotatorInfo>;
}

interface Row {
  may: Who[];
  req: (w: World, who: Who) => unknown;
  /** Profile names are public (the sign-in list, the audit rows about profiles): only their work is blinded. */
  publicNames?: true;
}

const missing = 999_999;
const own = (w: World, who: Who) => w.own[who] ?? { annotationId: missing, revisionId: missing };

const TABLE: { [C in RequestChannel]: Row } = {
  'app:info': { may: EVERYONE, req: () => undefined },
  'project:list': { may: EVERYONE, req: () => undefined },
  'project:create': { may: MANAGERS, req: (_w, who) => ({ name: `P-${who}` }) },
  'case:list': { may: EVERYONE, req: (w) => ({ projectId: w.projectId }) },
  'volume:list': { may: EVERYONE, req: (w) => ({ caseId: w.caseId }) },
  'volume:get': { may: EVERYONE, req: (w) => ({ volumeId: w.volumeId }) },
  'import:beginUpload': { may: MANAGERS, req: () => ({ files: 1, bytes: 10 }) },
  'import:run': {
    may: MANAGERS,
    req: (_w, who) => ({ jobId: `i-${who}`, source: { kind: 'paths', paths: ['/nonexistent/x.nii'] } }),
  },
  'bundle:export': {
    may: SIGNED_IN,
    req: (w, who) => ({
      kind: 'result',
      projectId: w.projectId,
      forAnnotatorId: who === 'out' ? w.profiles.annotator.id : w.profiles[who].id,
    }),
  },
  'bundle:inspect': {
    may: MANAGERS,
    req: () => ({ source: { kind: 'paths', paths: ['/nonexistent/x.concord-bundle'] } }),
  },
  'bundle:import': {
    may: MANAGERS,
    req: () => ({ source: { kind: 'paths', paths: ['/nonexistent/x.concord-bundle'] }, trust: false }),
  },
  'import:cancel': { may: SIGNED_IN, req: () => ({ jobId: 'nobody' }) },
  'audit:list': { may: EVERYONE, req: () => ({ limit: 1000 }), publicNames: true },
  'audit:verify': { may: EVERYONE, req: () => undefined },
  'view:get': { may: EVERYONE, req: () => undefined },
  'view:set': { may: EVERYONE, req: (w) => ({ volumeId: w.volumeId }) },
  'dialog:pickImport': { may: EVERYONE, req: () => ({ folder: false }) },
  'annotator:list': { may: EVERYONE, req: () => undefined, publicNames: true },
  'annotator:create': {
    may: ADMIN,
    req: (_w, who) => ({ name: `New ${who}`, role: 'annotator', password: 'pw pw pw pw' }),
  },
  'annotator:setPassword': {
    may: ADMIN,
    req: (w) => ({ annotatorId: w.profiles.annotator.id, password: 'correct horse' }),
  },
  'session:get': { may: EVERYONE, req: () => undefined },
  'session:signIn': {
    may: EVERYONE,
    req: (w) => ({ annotatorId: w.profiles.annotator.id, password: 'wrong' }),
  },
  'session:signOut': { may: EVERYONE, req: () => undefined },
  'session:keep': { may: SIGNED_IN, req: () => undefined },
  'session:resume': { may: EVERYONE, req: () => ({ token: 'not a kept session' }) },
  'label:list': { may: EVERYONE, req: (w) => ({ projectId: w.projectId }) },
  'label:save': {
    may: MANAGERS,
    req: (w) => ({
      projectId: w.projectId,
      value: 1,
      name: 'Label 1',
      color: '#ff0000',
      visible: true,
      opacity: 0.5,
    }),
  },
  'annotation:list': { may: SIGNED_IN, req: (w) => ({ volumeId: w.volumeId }) },
  'annotation:open': { may: SIGNED_IN, req: (w) => ({ volumeId: w.volumeId }) },
  'annotation:mask': { may: SIGNED_IN, req: (w, who) => ({ revisionId: own(w, who).revisionId }) },
  'masks:export': {
    may: SIGNED_IN,
    req: (w, who) => ({ revisionId: own(w, who).revisionId, format: 'nifti' }),
  },
  'masks:exportReferences': { may: MANAGERS, req: (w) => ({ projectId: w.projectId }) },
  // The web host answers 'unsupported' to those allowed (Electron's folder dialog only).
  'masks:exportReferencesToFolder': { may: MANAGERS, req: (w) => ({ projectId: w.projectId }) },
  'masks:import': {
    may: MANAGERS,
    req: (w) => ({
      volumeId: w.volumeId,
      source: { kind: 'paths', paths: ['/nonexistent/mask.nii.gz'] },
      annotator: 'Imported',
    }),
  },
  'annotation:commit': {
    may: SIGNED_IN,
    req: (w, who) => ({
      annotationId: own(w, who).annotationId,
      parentRevisionId: own(w, who).revisionId,
      tool: 'brush',
      patch: fill([0, 1, 0, 1, 0, 1], 1),
    }),
  },
  'annotation:history': { may: SIGNED_IN, req: (w, who) => ({ annotationId: own(w, who).annotationId }) },
  'annotation:revert': {
    may: SIGNED_IN,
    req: (w, who) => ({ annotationId: own(w, who).annotationId, revisionId: own(w, who).revisionId }),
  },
  'worklist:get': { may: SIGNED_IN, req: (w) => ({ projectId: w.projectId }) },
  'worklist:next': { may: SIGNED_IN, req: (w) => ({ projectId: w.projectId }) },
  'worklist:setStatus': {
    may: SIGNED_IN,
    req: (w, who) => ({ annotationId: own(w, who).annotationId, status: 'in-progress' }),
  },
  'worklist:addTime': {
    may: SIGNED_IN,
    req: (w, who) => ({ annotationId: own(w, who).annotationId, seconds: 5 }),
  },
  'case:openReview': { may: MANAGERS, req: () => ({ caseId: missing }) },
  'case:reviewState': { may: EVERYONE, req: (w) => ({ caseId: w.caseId }) },
  'consensus:compare': { may: MANAGERS, req: () => ({ jobId: 'c', volumeId: missing }) },
  'consensus:export': { may: MANAGERS, req: () => ({ comparisonId: 'none', format: 'csv' }) },
  'consensus:merge': { may: MANAGERS, req: () => ({ jobId: 'm', volumeId: missing, method: 'vote' }) },
  'consensus:agreement': { may: MANAGERS, req: () => ({ jobId: 'a', volumeId: missing, measure: 'votes' }) },
  'consensus:cancel': { may: MANAGERS, req: () => ({ jobId: 'nobody' }) },
  'adjudication:get': { may: MANAGERS, req: () => ({ volumeId: missing }) },
  'adjudication:start': { may: MANAGERS, req: () => ({ volumeId: missing, seedRevisionId: missing }) },
  'adjudication:decide': {
    may: MANAGERS,
    req: () => ({ adjudicationId: missing, parentRevisionId: missing, rationale: 'x', kind: 'manual' }),
  },
  'adjudication:signOff': {
    may: MANAGERS,
    req: () => ({ adjudicationId: missing, parentRevisionId: missing }),
  },
  'adjudication:reopen': { may: MANAGERS, req: () => ({ adjudicationId: missing, reason: 'x' }) },
  'training:start': { may: MANAGERS, req: () => ({ projectId: missing, target: 'vote' }) },
  'training:cancel': { may: MANAGERS, req: () => ({ runId: missing }) },
  'training:resume': { may: MANAGERS, req: () => ({ runId: missing }) },
  'training:list': { may: SIGNED_IN, req: (w) => ({ projectId: w.projectId }) },
  'training:backends': { may: SIGNED_IN, req: () => undefined },
  'training:get': { may: SIGNED_IN, req: () => ({ runId: missing }) },
  'training:unlabelled': { may: SIGNED_IN, req: (w) => ({ projectId: w.projectId }) },
  'model:list': { may: SIGNED_IN, req: () => ({}) },
  'model:get': { may: SIGNED_IN, req: () => ({ modelId: missing }) },
  'model:export': { may: MANAGERS, req: () => ({ modelId: missing, dir: '/nonexistent' }) },
  'model:import': { may: MANAGERS, req: () => ({ path: '/nonexistent/x.concord-model' }) },
  'inference:run': {
    may: MANAGERS,
    req: (w) => ({ jobId: 'inf', modelId: missing, volumeIds: [w.volumeId] }),
  },
  'inference:cancel': { may: SIGNED_IN, req: () => ({ jobId: 'nobody' }) },
  'augment:preview': { may: SIGNED_IN, req: (w) => ({ volumeId: w.volumeId, slice: 0, count: 1 }) },
  'draft:list': { may: SIGNED_IN, req: (w) => ({ volumeId: w.volumeId }) },
  'draft:start': { may: SIGNED_IN, req: () => ({ draftAnnotationId: missing }) },
  'draft:outcomes': { may: SIGNED_IN, req: (w) => ({ projectId: w.projectId }) },
  'draft:simple': {
    may: SIGNED_IN,
    // Watershed without a seed: refused as bad input after the access check, before any process starts.
    req: (w) => ({ jobId: 's', volumeId: w.volumeId, method: 'watershed', seeds: [] }),
  },
  'activeLearning:rank': {
    may: MANAGERS,
    req: (w) => ({ jobId: 'r', projectId: w.projectId, modelId: missing }),
  },
  'activeLearning:stored': { may: SIGNED_IN, req: (w) => ({ projectId: w.projectId, modelId: missing }) },
  // The PACS: servers listed to the signed-in, searched, fetched from and sent to by data managers (as
  // importing is), added and removed by admins. No server is reachable here: answers after the check are
  // not-found (no such server) or bad-input.
  'pacs:list': { may: SIGNED_IN, req: () => undefined },
  'pacs:save': { may: ADMIN, req: (_w, who) => ({ name: `H-${who}`, url: 'http://127.0.0.1:9/dicom-web' }) },
  'pacs:remove': { may: ADMIN, req: () => ({ name: 'Nowhere' }) },
  'pacs:find': { may: MANAGERS, req: () => ({ server: 'Nowhere', modality: 'CT' }) },
  'pacs:get': {
    may: MANAGERS,
    req: (_w, who) => ({ jobId: `p-${who}`, server: 'Nowhere', studyInstanceUID: '1.2.3' }),
  },
  'pacs:send': {
    may: MANAGERS,
    req: (w, who) => ({ server: 'Nowhere', revisionId: own(w, who).revisionId }),
  },
  'consensus:raters': { may: MANAGERS, req: () => ({ volumeId: missing }) },
  'project:update': { may: MANAGERS, req: () => ({ projectId: missing, name: 'renamed' }) },
  'case:move': { may: MANAGERS, req: (w) => ({ caseId: missing, projectId: w.projectId }) },
  'case:remove': { may: ADMIN, req: () => ({ caseId: missing, reason: 'scanned twice' }) },
  'case:setSubject': { may: MANAGERS, req: () => ({ caseId: missing, subject: 'P1' }) },
  'assignment:add': { may: MANAGERS, req: (w) => ({ projectId: w.projectId, annotatorIds: [missing] }) },
  'assignment:remove': { may: MANAGERS, req: (w) => ({ caseId: w.caseId, annotatorId: missing }) },
  'assignment:team': { may: MANAGERS, req: (w) => ({ projectId: w.projectId }) },
  'case:mySubmission': { may: SIGNED_IN, req: (w) => ({ caseId: w.caseId }) },
  'case:reviewReadiness': { may: MANAGERS, req: (w) => ({ caseId: w.caseId }) },
  // Each signed-in caller submits their own work on case A; then a manager returns Ann's (after the first
  // return there is nothing left to return: a conflict, not a refusal).
  'case:submit': { may: SIGNED_IN, req: (w) => ({ caseId: w.caseId }) },
  'measurement:list': { may: SIGNED_IN, req: (w) => ({ volumeId: w.volumeId }) },
  'measurement:create': {
    may: SIGNED_IN,
    req: (w) => ({
      volumeId: w.volumeId,
      kind: 'ellipse',
      axis: 2,
      slice: 0,
      points: [
        [1, 1, 0],
        [3, 2, 0],
      ],
    }),
  },
  'measurement:delete': { may: SIGNED_IN, req: () => ({ measurementId: missing }) },
  'measurement:restore': { may: SIGNED_IN, req: () => ({ measurementId: missing }) },
  'case:return': {
    may: MANAGERS,
    req: (w) => ({ caseId: w.caseId, annotatorId: w.profiles.annotator.id, comment: 'the margin is off' }),
  },
  // Branches: everyone signed in lists those they may see (Bob's are blinded to Ann); picking a head on Bob's
  // annotation is for managers (his history has no fork: a conflict, not a refusal).
  'annotation:branches': { may: SIGNED_IN, req: (w) => ({ volumeId: w.volumeId }) },
  'annotation:pickBranch': {
    may: MANAGERS,
    req: (w) => ({ annotationId: w.bob.annotationId, revisionId: w.bob.revisions[0] }),
  },
  'annotation:mergeBranches': {
    may: MANAGERS,
    req: (w) => ({
      annotationId: w.bob.annotationId,
      tips: [w.bob.revisions[0], w.bob.revisions[1]],
      primary: w.bob.revisions[0],
    }),
  },
};

async function world(): Promise<World> {
  const fx = await labellingFixture();
  const volumeId = fx.volumes[0]!.id;
  const caseId = fx.volumes[0]!.caseId;
  const ann = await fx.signedIn('Ann', 'annotator');
  const bob = await fx.signedIn('Bob', 'annotator');
  const rev = await fx.signedIn('Rita', 'reviewer');
  const callers: [Who, Window][] = [
    ['annotator', ann],
    ['reviewer', rev],
  ];
  const w: World = {
    fx,
    projectId: fx.projectId,
    volumeId,
    caseId,
    own: {},
    bob: { annotationId: 0, revisions: [], name: 'Bob' },
    profiles: {} as World['profiles'],
  };
  for (const p of await ann.ok('annotator:list', undefined)) {
    if (p.name === 'Ann') w.profiles.annotator = p;
    if (p.name === 'Rita') w.profiles.reviewer = p;
    if (p.name === 'Admin') w.profiles.admin = p;
  }
  const admin = fx.window();
  admin.ctx.session.annotator = w.profiles.admin;
  callers.push(['admin', admin]);
  for (const [who, win] of callers) {
    const a = await win.ok('annotation:open', { volumeId });
    const r = await win.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill([0, 2, 0, 2, 0, 1], 1),
    });
    w.own[who] = { annotationId: a.id, revisionId: r.id };
  }
  const b = await bob.ok('annotation:open', { volumeId });
  const b1 = await bob.ok('annotation:commit', {
    annotationId: b.id,
    parentRevisionId: null,
    tool: 'brush',
    patch: fill([4, 6, 0, 2, 0, 1], 1),
  });
  const b2 = await bob.ok('annotation:commit', {
    annotationId: b.id,
    parentRevisionId: b1.id,
    tool: 'brush',
    patch: fill([4, 8, 0, 2, 0, 1], 1),
  });
  await bob.ok('worklist:setStatus', { annotationId: b.id, status: 'flagged', comment: 'Bob was here' });
  w.bob = { annotationId: b.id, revisions: [b1.id, b2.id], name: 'Bob' };
  // Bob's ruler on case A: blinded like his annotation (its author's name must not reach Ann).
  await bob.ok('measurement:create', {
    volumeId,
    kind: 'ruler',
    axis: 2,
    slice: 1,
    points: [
      [0, 0, 1],
      [3, 4, 1],
    ],
  });
  // What an AI-draft evaluation leaves for Bob's annotation (as if it had started from a draft).
  fx.services.app.workspace.db
    .prepare(
      `INSERT INTO draft_outcomes (annotation_id, draft_revision_id, final_revision_id, model_id, dice,
         recorded_by, recorded_at) VALUES (?, ?, ?, NULL, 0.5, 'Bob', '2026-01-01T00:00:00Z')`,
    )
    .run(b.id, b1.id, b2.id);
  return w;
}

/** A fresh window for each call, signed in as `who` (set directly: sign-in itself has its own tests). */
function windowOf(w: World, who: Who): Window {
  const win = w.fx.window();
  if (who !== 'out') win.ctx.session.annotator = w.profiles[who];
  return win;
}

const REVISION_KEYS = new Set([
  'revisionId',
  'headRevisionId',
  'draftRevisionId',
  'finalRevisionId',
  'parentId',
  'id',
]);

/** Where an answer mentions Bob's annotation, a revision of his, or his name (paths into the value). */
function mentionsOfBob(value: unknown, w: World, names: boolean, at = '$', out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (names && value.includes(w.bob.name)) out.push(`${at} = ${JSON.stringify(value)}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => mentionsOfBob(v, w, names, `${at}[${i}]`, out));
  } else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const o = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (k === 'annotationId' && v === w.bob.annotationId) out.push(`${at}.${k}`);
      if (REVISION_KEYS.has(k) && k !== 'id' && w.bob.revisions.includes(v as number)) out.push(`${at}.${k}`);
      mentionsOfBob(v, w, names, `${at}.${k}`, out);
    }
    // An annotation's own id (AnnotationInfo, WorklistRow have annotationId; AnnotationInfo has id).
    if (o['id'] === w.bob.annotationId && 'headRevisionId' in o && 'kind' in o) out.push(`${at}.id`);
  }
  return out;
}

describe('access table: every request channel', () => {
  it('allows each channel to exactly the callers the table names, and shows an annotator nothing of another', async () => {
    const w = await world();
    const wrong: string[] = [];
    try {
      for (const channel of Object.keys(TABLE) as RequestChannel[]) {
        const row = TABLE[channel];
        for (const who of EVERYONE) {
          const r = await windowOf(w, who).call(channel, row.req(w, who) as never);
          const allowed = r.ok || r.error.code !== 'forbidden';
          if (allowed !== row.may.includes(who))
            wrong.push(
              `${channel} as ${who}: ${allowed ? 'allowed' : 'forbidden'} (${r.ok ? 'ok' : r.error.message})`,
            );
          if (r.ok && (who === 'annotator' || who === 'out')) {
            const leaks = mentionsOfBob(r.value, w, !row.publicNames);
            if (leaks.length) wrong.push(`${channel} as ${who} shows Bob's work at ${leaks.join(', ')}`);
          }
        }
      }
    } finally {
      w.fx.close();
    }
    expect(wrong).toEqual([]);
  });
});
