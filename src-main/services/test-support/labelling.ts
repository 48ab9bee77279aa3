// For labelling tests: a temporary workspace with small volumes imported the ordinary way, the real handler
// set, and call contexts (one per window) that record the events pushed to them.
import path from 'node:path';
import type { EventChannel, Events, Req, RequestChannel, Res, Result, Role } from '@contract';
import type { Vec3 } from '../../core/geometry/affine';
import { identity4 } from '../../core/geometry/affine';
import type { ImageVolume } from '../../core/volume/types';
import { writeNifti } from '../../io/nifti/write';
import { createServices } from '../create-services';
import type { Services } from '../create-services';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import type { CallContext } from '../context';
import { dispatch } from '../dispatch';
import { importVolumes } from '../workspace/import-volumes';
import { inProcessRunner, type ConsensusRunner } from '../consensus/runner';

export const PASSWORD = 'correct horse';

export interface Window {
  ctx: CallContext;
  events: { event: EventChannel; payload: unknown }[];
  call<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Result<Res<C>>>;
  /** The value, or throws with the error's code and message. */
  ok<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Res<C>>;
}

export interface Fixture {
  services: Services;
  dir: string;
  projectId: number;
  /** Volumes of the project: case "A" (dims 8x6x4) and case "B" (5x5x5). */
  volumes: { id: number; caseId: number; dims: Vec3 }[];
  window(): Window;
  /** A window signed in as a new profile of that role (the first one created is an admin). */
  signedIn(name: string, role: Role): Promise<Window>;
  close(): void;
}

export async function writeTestVolume(file: string, dims: Vec3): Promise<void> {
  const affine = identity4();
  affine[0] = 0.8;
  affine[5] = 0.8;
  affine[10] = 2;
  const n = dims[0] * dims[1] * dims[2];
  const volume: ImageVolume = {
    geometry: { dims, affineLPS: affine },
    scalarType: 'int16',
    data: Int16Array.from({ length: n }, (_, i) => (i * 37) % 1000),
    frames: 1,
    rescale: { slope: 1, intercept: -1024 },
    source: { format: 'nifti', files: [], description: path.basename(file) },
  };
  await writeNifti(file, volume);
}

/**
 * `consensusRunner`: where consensus work runs; default in this thread (the built worker does not exist when
 * running from source; tests of the worker path pass workerRunner(bundledFile)).
 */
export async function labellingFixture(opts: { consensusRunner?: ConsensusRunner } = {}): Promise<Fixture> {
  const dir = tempDir();
  const ws = openWorkspace(path.join(dir, 'ws'));
  const services = createServices(
    ws,
    { host: 'web' },
    { consensusRunner: opts.consensusRunner ?? inProcessRunner },
  );
  const volumes: Fixture['volumes'] = [];
  let projectId = 0;
  for (const [caseName, dims] of [
    ['A', [8, 6, 4]],
    ['B', [5, 5, 5]],
  ] as [string, Vec3][]) {
    const file = path.join(dir, `${caseName}.nii.gz`);
    await writeTestVolume(file, dims);
    const s = await importVolumes(
      ws,
      { jobId: caseName, source: { kind: 'paths', paths: [file] }, projectName: 'P', caseName },
      'test',
      () => undefined,
    );
    projectId = s.projectId;
    volumes.push({ id: s.volumes[0]!.id, caseId: s.volumes[0]!.caseId, dims });
  }
  const window = (): Window => {
    const events: Window['events'] = [];
    const ctx = services.context(<E extends EventChannel>(event: E, payload: Events[E]) =>
      events.push({ event, payload }),
    );
    const call = <C extends RequestChannel>(channel: C, req: Req<C>) =>
      dispatch(services.handlers, channel, req, ctx, () => undefined);
    return {
      ctx,
      events,
      call,
      async ok(channel, req) {
        const r = await call(channel, req);
        if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
        return r.value;
      },
    };
  };
  const admin = window();
  let adminReady = false;
  return {
    services,
    dir,
    projectId,
    volumes,
    window,
    async signedIn(name, role) {
      if (!adminReady) {
        const first = await admin.ok('annotator:create', {
          name: 'Admin',
          role: 'admin',
          password: PASSWORD,
        });
        await admin.ok('session:signIn', { annotatorId: first.id, password: PASSWORD });
        adminReady = true;
      }
      const w = window();
      const existing = (await admin.ok('annotator:list', undefined)).find((a) => a.name === name);
      const profile = existing ?? (await admin.ok('annotator:create', { name, role, password: PASSWORD }));
      await w.ok('session:signIn', { annotatorId: profile.id, password: PASSWORD });
      return w;
    },
    close: () => services.close(),
  };
}

/** A patch box [i0, i1, j0, j1, k0, k1] filled with one label. */
export function fill(box: [number, number, number, number, number, number], label: number) {
  const n = (box[1] - box[0]) * (box[3] - box[2]) * (box[5] - box[4]);
  return { box, data: new Uint8Array(n).fill(label) };
}
