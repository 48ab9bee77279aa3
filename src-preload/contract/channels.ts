// The feature channel maps joined into one: every request channel with its payload and answer, every event,
// and the runtime lists the preload and the web host allow.
import {
  type WorkspaceRequests,
  type WorkspaceEvents,
  WORKSPACE_REQUEST_CHANNELS,
  WORKSPACE_EVENT_CHANNELS,
} from './workspace';
import { type IdentityRequests, IDENTITY_REQUEST_CHANNELS } from './identity';
import {
  type LabellingRequests,
  type LabellingEvents,
  LABELLING_REQUEST_CHANNELS,
  LABELLING_EVENT_CHANNELS,
} from './labelling';
import {
  type ConsensusRequests,
  type ConsensusEvents,
  CONSENSUS_REQUEST_CHANNELS,
  CONSENSUS_EVENT_CHANNELS,
} from './consensus';
import { type ExchangeRequests, EXCHANGE_REQUEST_CHANNELS } from './exchange';
import {
  type TrainingRequests,
  type TrainingEvents,
  TRAINING_REQUEST_CHANNELS,
  TRAINING_EVENT_CHANNELS,
} from './training';
import { type PacsRequests, type PacsEvents, PACS_REQUEST_CHANNELS, PACS_EVENT_CHANNELS } from './pacs';
import { type MaskExportRequests, MASK_EXPORT_REQUEST_CHANNELS } from './mask-export';
import { type TeamRequests, TEAM_REQUEST_CHANNELS } from './team';
import { type MeasureRequests, MEASURE_REQUEST_CHANNELS } from './measure';

/** Request channels: request payload and response value (wrapped in Result on the wire). */
export type Requests = WorkspaceRequests &
  IdentityRequests &
  LabellingRequests &
  ConsensusRequests &
  TrainingRequests &
  PacsRequests &
  MaskExportRequests &
  ExchangeRequests &
  TeamRequests &
  MeasureRequests;

/** Events main pushes to the renderer. */
export type Events = WorkspaceEvents & LabellingEvents & ConsensusEvents & TrainingEvents & PacsEvents;

export type RequestChannel = keyof Requests;
export type EventChannel = keyof Events;
export type Req<C extends RequestChannel> = Requests[C]['req'];
export type Res<C extends RequestChannel> = Requests[C]['res'];

/** Runtime list of channels, for allow-listing in the preload and the web host. */
export const REQUEST_CHANNELS = [
  ...WORKSPACE_REQUEST_CHANNELS,
  ...IDENTITY_REQUEST_CHANNELS,
  ...LABELLING_REQUEST_CHANNELS,
  ...CONSENSUS_REQUEST_CHANNELS,
  ...TRAINING_REQUEST_CHANNELS,
  ...PACS_REQUEST_CHANNELS,
  ...MASK_EXPORT_REQUEST_CHANNELS,
  ...EXCHANGE_REQUEST_CHANNELS,
  ...TEAM_REQUEST_CHANNELS,
  ...MEASURE_REQUEST_CHANNELS,
] as const satisfies readonly RequestChannel[];

export const EVENT_CHANNELS = [
  ...WORKSPACE_EVENT_CHANNELS,
  ...LABELLING_EVENT_CHANNELS,
  ...CONSENSUS_EVENT_CHANNELS,
  ...TRAINING_EVENT_CHANNELS,
  ...PACS_EVENT_CHANNELS,
] as const satisfies readonly EventChannel[];

/** Compile-time check that REQUEST_CHANNELS lists every request channel. */
type MissingChannels = Exclude<RequestChannel, (typeof REQUEST_CHANNELS)[number]>;
export const ALL_CHANNELS_LISTED: [MissingChannels] extends [never] ? true : never = true;

/** Compile-time check that EVENT_CHANNELS lists every event channel. */
type MissingEvents = Exclude<EventChannel, (typeof EVENT_CHANNELS)[number]>;
export const ALL_EVENTS_LISTED: [MissingEvents] extends [never] ? true : never = true;
