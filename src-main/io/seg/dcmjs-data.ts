// dcmjs's data API, with its console logging silenced: dcmjs logs parse remarks ("Invalid vr type …") and
// truncations to the console, which in the CLI would add lines to the one-line answers Concord gives;
// Concord checks what it reads itself and reports problems in its own words.
import { data, log } from 'dcmjs';

log.setLevel('silent');
log.getLogger('validation.dcmjs').setLevel('silent');

export { data };
export type { NaturalDataset } from 'dcmjs';
