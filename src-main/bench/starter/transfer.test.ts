// `bench transfer`'s argument and input checks (the measurement itself trains for minutes: it is run by
// hand, its figures are in RESULTS-few-labels.md): every bad option is one line and exit 2 before anything
// is written, and a starter that saw the held-out or reserved patients is refused, as is a reserve too
// small for the sizes asked. The starter here is the bundled package (resources/starter-model).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { starterCardOf } from '../../core/training/starter-card';
import { cli } from '../../host/cli/test-support';
import { starterPackage } from '../../host/starter-model';
import { verifyPackage } from '../../services/training/model-package';
import { tempDir } from '../../test-support/tmp';
import { checkTransferInputs, parseTransferArgs } from './transfer';

const dir = tempDir('concord-transfer-');

function part(root: string, name: string, cases: string[]): void {
  fs.mkdirSync(path.join(root, name), { recursive: true });
  const entries = cases.map((c) => ({ case: c, image: `images/${c}.nii.gz`, masks: {} }));
  fs.writeFileSync(path.join(root, name, 'manifest.json'), JSON.stringify(entries));
}

describe('bench transfer: options', () => {
  it('takes the defaults, sorts the sizes', () => {
    const o = parseTransferArgs(['--cases', dir, '--sizes', '20,5', '--epochs', '3']);
    expect(o).toMatchObject({ cases: path.resolve(dir), sizes: [5, 20], epochs: 3, seed: 1, json: false });
    expect(o.starter).toBe(path.resolve(starterPackage()));
    expect(parseTransferArgs(['--cases', dir]).sizes).toEqual([5, 10, 20]);
  });

  it.each([
    [[], /--cases is required/],
    [['--cases', dir, '--sizes', '5,x'], /--sizes takes case counts of 2 or more/],
    [['--cases', dir, '--sizes', '1,5'], /--sizes takes case counts of 2 or more/],
    [['--cases', dir, '--sizes', ''], /--sizes needs a value/],
    [['--cases', dir, '--sizes', '5,,10'], /--sizes takes case counts/],
    [['--cases', dir, '--sizes', '5,5'], /repeats a size/],
    [['--cases', dir, '--epochs', '0'], /--epochs/],
    [['--cases', dir, '--epochs', '2.5'], /--epochs/],
    [['--cases', dir, 'extra'], /usage: concord bench transfer/],
    [['--cases', dir, '--bogus', '1'], /bogus/],
  ])('%j is refused with one line', (argv, message) => {
    expect(() => parseTransferArgs(argv)).toThrow(message);
  });

  it('the CLI answers a bad option with exit 2, one line, and writes nothing', async () => {
    const before = fs.readdirSync(dir);
    const r = await cli('bench', 'transfer', '--cases', dir, '--sizes', '0');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.readdirSync(dir)).toEqual(before);
  });
});

describe('bench transfer: inputs', () => {
  const bundledCard = () => starterCardOf(verifyPackage(starterPackage()).manifest.trainingData)!;

  it('accepts cases whose reserved and held-out patients the starter never saw', () => {
    const card = bundledCard();
    const root = path.join(dir, 'fair');
    part(root, 'reserve', ['LIDC-IDRI-0091-n0', 'LIDC-IDRI-0092-n0', 'LIDC-IDRI-0092-n1']);
    part(
      root,
      'holdout',
      card.metrics.heldOutPatients.map((p) => `${p}-n0`),
    );
    const r = checkTransferInputs(parseTransferArgs(['--cases', root, '--sizes', '2,3']));
    expect(r.reserve).toHaveLength(3);
  });

  it('refuses a starter trained on a reserved patient, a reserve too small, a missing part or package', () => {
    const seen = bundledCard().data.patients[0]!;
    const root = path.join(dir, 'unfair');
    part(root, 'reserve', [`${seen}-n0`, 'LIDC-IDRI-0092-n0']);
    part(root, 'holdout', ['LIDC-IDRI-0008-n0']);
    expect(() => checkTransferInputs(parseTransferArgs(['--cases', root, '--sizes', '2']))).toThrow(
      new RegExp(`trained on 1 of these held-out or reserved patients \\(${seen}\\)`),
    );
    expect(() => checkTransferInputs(parseTransferArgs(['--cases', root, '--sizes', '2,5']))).toThrow(
      /reserve\/ holds 2 cases; --sizes asks for 5/,
    );
    expect(() =>
      checkTransferInputs(parseTransferArgs(['--cases', path.join(dir, 'none'), '--sizes', '2'])),
    ).toThrow(/holds no manifest\.json/);
    expect(() =>
      checkTransferInputs(
        parseTransferArgs(['--cases', root, '--sizes', '2', '--starter', path.join(dir, 'absent')]),
      ),
    ).toThrow(/no such starter package/);
  });
});
