// Concord's domain model: the entities every layer speaks of (db repositories, services, the trainer,
// the IPC contract and the renderer), by area. Types only, pure: core/ imports nothing outside itself.
export type * from './result';
export type * from './workspace';
export type * from './identity';
export type * from './labelling';
export type * from './consensus';
export type * from './training';
export type * from './team';
export type * from './measure';
