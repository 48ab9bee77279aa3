// The manifest's measurements are checked before anything is written: a gid must match its content, a shape
// must lie on its volume, its author among the bundle's profiles.
import { describe, expect, it } from 'vitest';
import type { BundleMeasurement } from './measurements';
import { measurementGid, measurementsProblem } from './measurements';

const VOLUME = 'a'.repeat(64);
const dims = new Map<string, [number, number, number]>([[VOLUME, [12, 10, 6]]]);
const profiles = new Set(['reader 1']);

function ruler(over: Partial<BundleMeasurement> = {}): BundleMeasurement {
  const m: BundleMeasurement = {
    gid: '',
    volume: VOLUME,
    annotator: 'Reader 1',
    kind: 'ruler',
    name: 'Ruler 1',
    axis: 2,
    slice: 1,
    points: [
      [0, 0, 1],
      [3, 4, 1],
    ],
    createdAt: '2026-01-02T03:04:05.678Z',
    deletedAt: null,
    deletedBy: null,
    ...over,
  };
  return { ...m, gid: over.gid ?? measurementGid(VOLUME, m) };
}

describe('bundle measurements', () => {
  it('a gid is made from the content: the same everywhere, another for another point or time', () => {
    const a = ruler();
    expect(a.gid).toMatch(/^measurement:a{64}:[0-9a-f]{32}$/);
    expect(measurementGid(VOLUME, JSON.parse(JSON.stringify(a)) as BundleMeasurement)).toBe(a.gid);
    // Neither the name nor the author is part of it (a de-identified bundle renames authors).
    expect(ruler({ name: 'Ruler 9', annotator: 'X' }).gid).toBe(a.gid);
    expect(ruler({ createdAt: '2026-01-02T03:04:05.679Z' }).gid).not.toBe(a.gid);
    expect(
      ruler({
        points: [
          [0, 0, 1],
          [3, 4.5, 1],
        ],
      }).gid,
    ).not.toBe(a.gid);
  });

  it('accepts a valid list and none at all; names the first problem otherwise', () => {
    expect(measurementsProblem(undefined, dims, profiles)).toBeNull();
    expect(
      measurementsProblem([ruler(), ruler({ createdAt: '2026-01-03T00:00:00.000Z' })], dims, profiles),
    ).toBeNull();
    const gid = ruler().gid;
    expect(measurementsProblem({}, dims, profiles)).toBe("'measurements' is not a list");
    expect(measurementsProblem([{ ...ruler(), slice: 2 }], dims, profiles)).toBe(
      `measurement ${gid}: a measurement's points lie on its slice`,
    );
    expect(
      measurementsProblem(
        [
          {
            ...ruler(),
            points: [
              [0, 0, 1],
              [3, 5, 1],
            ],
          },
        ],
        dims,
        profiles,
      ),
    ).toBe(`measurement ${gid} does not match its content`);
    expect(measurementsProblem([ruler(), ruler()], dims, profiles)).toBe(
      `measurement ${gid} is listed twice`,
    );
    expect(measurementsProblem([ruler({ annotator: 'Someone' })], dims, profiles)).toBe(
      `measurement ${gid} names a profile the bundle does not describe`,
    );
    expect(measurementsProblem([ruler({ volume: 'b'.repeat(64) })], dims, profiles)).toMatch(
      /is of a volume the bundle does not describe$/,
    );
    expect(
      measurementsProblem(
        [
          ruler({
            points: [
              [0, 0, 1],
              [30, 4, 1],
            ],
          }),
        ],
        dims,
        profiles,
      ),
    ).toMatch(/outside the image$/);
    expect(measurementsProblem([{ ...ruler(), deletedAt: '2026-01-04T00:00:00.000Z' }], dims, profiles)).toBe(
      `measurement ${gid} is malformed`,
    );
  });
});
