// Checks a Normalisation that arrives from outside (a window's request, a model package's manifest):
// anything else than the three kinds with sound numbers is refused before it reaches the trainer.
import type { Normalisation } from '../../core/model';
import { InputError } from '../../core/errors';
import { asObject, asOptionalNumber } from '../validate';

export function parseNormalisation(v: unknown): Normalisation {
  const o = asObject(v, 'normalisation');
  if (o['kind'] === 'ct-window') {
    const center = asOptionalNumber(o['center'], 'normalisation.center');
    const width = asOptionalNumber(o['width'], 'normalisation.width');
    if (center === undefined || width === undefined || !(width > 0))
      throw new InputError(undefined, 'a CT window needs a center and a width > 0 (HU)');
    return { kind: 'ct-window', center, width };
  }
  if (o['kind'] === 'zscore') return { kind: 'zscore' };
  if (o['kind'] === 'percentile') {
    const low = asOptionalNumber(o['low'], 'normalisation.low') ?? 0.5;
    const high = asOptionalNumber(o['high'], 'normalisation.high') ?? 99.5;
    if (!(low >= 0 && high <= 100 && low < high))
      throw new InputError(undefined, 'percentiles must satisfy 0 <= low < high <= 100');
    return { kind: 'percentile', low, high };
  }
  throw new InputError(undefined, "normalisation.kind must be 'ct-window', 'zscore' or 'percentile'");
}
