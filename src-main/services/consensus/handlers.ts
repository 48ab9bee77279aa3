// The consensus channels (issue 4): compare raters, merge, agreement map, adjudication and sign-off.
// First commit: the contract only; every handler answers 'unsupported' until its service lands.
import { UnsupportedError } from '../../core/errors';
import type { AppContext } from '../context';
import type { HandlerGroup } from '../handlers';
import type { JobRegistry } from '../jobs';

export type ConsensusChannel =
  | 'consensus:compare'
  | 'consensus:export'
  | 'consensus:merge'
  | 'consensus:agreement'
  | 'consensus:cancel'
  | 'adjudication:get'
  | 'adjudication:start'
  | 'adjudication:decide'
  | 'adjudication:signOff'
  | 'adjudication:reopen';

const notYet = (channel: string) => (): never => {
  throw new UnsupportedError(`${channel} is not implemented yet`);
};

export function createConsensusHandlers(_app: AppContext, jobs: JobRegistry): HandlerGroup<ConsensusChannel> {
  return {
    'consensus:compare': notYet('consensus:compare'),
    'consensus:export': notYet('consensus:export'),
    'consensus:merge': notYet('consensus:merge'),
    'consensus:agreement': notYet('consensus:agreement'),
    'consensus:cancel': (req) => ({ cancelled: jobs.cancel(String((req as { jobId?: unknown }).jobId)) }),
    'adjudication:get': notYet('adjudication:get'),
    'adjudication:start': notYet('adjudication:start'),
    'adjudication:decide': notYet('adjudication:decide'),
    'adjudication:signOff': notYet('adjudication:signOff'),
    'adjudication:reopen': notYet('adjudication:reopen'),
  };
}
