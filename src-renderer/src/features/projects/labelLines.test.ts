import { describe, expect, it } from 'vitest';
import { parseLabelLines } from './labelLines';

describe('label lines of a new project', () => {
  it('reads value, name and colour, counting values up and taking palette colours when left out', () => {
    expect(parseLabelLines('1 Vertebra #FFAA00\nDisc\n\n5 Spinal canal')).toEqual({
      labels: [
        { value: 1, name: 'Vertebra', color: '#ffaa00', visible: true, opacity: 0.5 },
        { value: 2, name: 'Disc', color: '#00c000', visible: true, opacity: 0.5 },
        { value: 5, name: 'Spinal canal', color: '#c000ff', visible: true, opacity: 0.5 },
      ],
    });
  });
  it('refuses a repeated value or one out of 1..255, naming the line', () => {
    expect(parseLabelLines('1 A\n1 B')).toEqual({ error: 'line 2: value 1 is used twice' });
    expect(parseLabelLines('300 A')).toEqual({ error: 'line 1: a label value is 1..255' });
  });
});
