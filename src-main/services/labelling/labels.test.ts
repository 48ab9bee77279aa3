// Project labels: defaults with every new project, who may change what, and validation.
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit';
import { labellingFixture } from '../test-support/labelling';
import type { Fixture } from '../test-support/labelling';

let fx: Fixture;
afterEach(() => fx?.close());

describe('labels', () => {
  it('gives every new project a default label, whether created by hand or by an import', async () => {
    fx = await labellingFixture();
    const w = await fx.signedIn('Admin', 'admin');
    expect(await w.ok('label:list', { projectId: fx.projectId })).toEqual([
      {
        id: expect.any(Number),
        projectId: fx.projectId,
        value: 1,
        name: 'Lesion',
        color: '#ff0000',
        visible: true,
        opacity: 0.5,
      },
    ]);
    const p = await w.ok('project:create', { name: 'Liver' });
    expect((await w.ok('label:list', { projectId: p.id })).map((l) => l.name)).toEqual(['Lesion']);
    expect(await w.call('label:list', { projectId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('lets any signed-in profile show, hide or fade a label, and only reviewers and admins add or rename one', async () => {
    fx = await labellingFixture();
    const ann = await fx.signedIn('Ann', 'annotator');
    const rev = await fx.signedIn('Rita', 'reviewer');
    const base = { projectId: fx.projectId, value: 1, name: 'Lesion', color: '#ff0000' };
    expect(await ann.ok('label:save', { ...base, visible: false, opacity: 0.2 })).toMatchObject({
      visible: false,
      opacity: 0.2,
    });
    expect(
      await ann.call('label:save', { ...base, name: 'Tumour', visible: false, opacity: 0.2 }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        message: expect.stringMatching(/renaming or recolouring a label needs the role reviewer or admin/),
      },
    });
    expect(await ann.call('label:save', { ...base, value: 2, visible: true, opacity: 1 })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const added = await rev.ok('label:save', {
      projectId: fx.projectId,
      value: 2,
      name: ' Vessel ',
      color: '#00AAff',
      visible: true,
      opacity: 1,
    });
    expect(added).toMatchObject({ value: 2, name: 'Vessel', color: '#00aaff' });
    expect(
      (await ann.ok('label:list', { projectId: fx.projectId })).map((l) => [l.value, l.name, l.visible]),
    ).toEqual([
      [1, 'Lesion', false],
      [2, 'Vessel', true],
    ]);
    const audit = listAudit(fx.services.app.workspace.db).filter((a) => a.action === 'label.save');
    expect(audit.map((a) => a.actor)).toEqual(['Rita', 'Ann']);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['value 0', { value: 0 }, /integer 1\.\.255/],
    ['value 256', { value: 256 }, /integer 1\.\.255/],
    ['value 1.5', { value: 1.5 }, /integer 1\.\.255/],
    ['a colour name', { color: 'red' }, /colour 'red' is not #rrggbb/],
    ['opacity 2', { opacity: 2 }, /opacity must be between 0 and 1/],
    ['an empty name', { name: ' ' }, /name of 1\.\.100/],
    ['visible as a string', { visible: 'yes' }, /visible must be true or false/],
  ];
  for (const [name, change, message] of bad) {
    it(`refuses ${name}, changing nothing`, async () => {
      fx = await labellingFixture();
      const rev = await fx.signedIn('Rita', 'reviewer');
      const label = {
        projectId: fx.projectId,
        value: 1,
        name: 'Lesion',
        color: '#ff0000',
        visible: true,
        opacity: 0.5,
        ...change,
      };
      expect(await rev.call('label:save', label as never)).toMatchObject({
        ok: false,
        error: { code: 'bad-input', message: expect.stringMatching(message) },
      });
      expect(
        (await rev.ok('label:list', { projectId: fx.projectId })).map((l) => [
          l.value,
          l.name,
          l.color,
          l.opacity,
        ]),
      ).toEqual([[1, 'Lesion', '#ff0000', 0.5]]);
    });
  }
});
