import { describe, expect, it } from 'vitest';
import {
  agreementLegend,
  agreementTable,
  binaryEntropy,
  probabilityToEntropyBytes,
  rampColour,
  surfaceClasses,
  voteColour,
  votesToBytes,
} from './agreementColours';

describe('agreement colour maps', () => {
  it('votes: background transparent, disagreement blue → red, full agreement faint green', () => {
    const lut = agreementTable('votes', 4);
    expect(lut[0]).toBe(0);
    expect(lut[5]).toBe(0);
    expect(voteColour(1, 4)).toBe('#2c7bb6');
    expect(voteColour(3, 4)).toBe('#d7191c');
    expect(voteColour(4, 4)).toBe('#3ddc84');
    expect(lut[4]! >>> 24).toBeLessThan(lut[2]! >>> 24);
    expect(agreementLegend('votes', 4).entries.map((e) => e.text)).toEqual([
      '1 of 4 raters',
      '2 of 4 raters',
      '3 of 4 raters',
      'all 4 raters agree',
    ]);
  });

  it('continuous maps: transparent near 0, opaque-ish ramp above', () => {
    const lut = agreementTable('probability', 4);
    expect(lut[0]).toBe(0);
    expect(lut[3]).toBe(0);
    expect(lut[255]! >>> 24).toBe(Math.round(255 * 0.6));
    expect(
      rampColour(
        [
          [0, '#000000'],
          [1, '#ffffff'],
        ],
        0.5,
      ),
    ).toEqual([128, 128, 128]);
    expect(agreementLegend('entropy', 4).gradient).toContain('linear-gradient');
  });

  it('entropy is 1 bit at p = 0.5 and 0 at certainty; bytes follow', () => {
    expect(binaryEntropy(0.5)).toBe(1);
    expect(binaryEntropy(0)).toBe(0);
    const votes = Uint8Array.from([0, 1, 2, 3, 4]);
    expect([...votesToBytes(votes, 4, 'entropy', new Uint8Array(5))]).toEqual([0, 207, 255, 207, 0]);
    expect([...votesToBytes(votes, 4, 'probability', new Uint8Array(5))]).toEqual([0, 64, 128, 191, 255]);
    expect([...probabilityToEntropyBytes(Uint8Array.from([0, 128, 255]), new Uint8Array(3))]).toEqual([
      0, 255, 0,
    ]);
  });

  it('3D classes: disagreeing counts only for votes, thirds for continuous maps', () => {
    const v = surfaceClasses('votes', 4);
    expect([...v.classOf.slice(0, 6)]).toEqual([0, 1, 2, 3, 0, 0]);
    const p = surfaceClasses('probability', 4);
    expect(p.classOf[0]).toBe(0);
    expect(p.classOf[255]).toBe(3);
    expect(p.lut[1]! >>> 24).toBe(255);
  });
});
