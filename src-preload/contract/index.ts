// The one list of what the renderer may ask of main ('noun:verb' requests) and what main may push
// ('noun:event' events), joined from each feature's channel map. Main implements every request with a mapped
// type (src-main/services/handlers.ts), so a missing handler does not compile; the Electron preload and the
// web host both carry exactly these channels. Expected failures travel as data: { ok: false, error: { code,
// message } }. The entities the channels carry are the domain model's (src-main/core/model), re-exported
// here for the renderer.
//
// Types, channel lists and the defaults a request leaves to main (so the renderer's forms show what main
// will fill in) only: this folder is imported by main, preload and renderer alike.
export type * from '../../src-main/core/model';
export type * from './workspace';
export type * from './identity';
export type * from './labelling';
export type * from './consensus';
export type * from './training';
export { DEFAULT_EPOCHS, DEFAULT_MEMBERS, DEFAULT_REFIT, DEFAULT_SPLIT_BY } from './training';
export type * from './pacs';
export type * from './mask-export';
export type * from './exchange';
export type * from './team';
export type * from './measure';
export type * from './bridge';
export * from './channels';
