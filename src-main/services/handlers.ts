// Main's implementation of the contract: one function per request channel, grouped by feature. The
// mapped type makes a missing or mistyped handler a compile error. Handlers throw typed errors
// (InputError, NotFoundError, CancelledError, UnsupportedError); dispatch() turns them into
// { ok: false, error } for the wire.
import type { AppContext } from './context';
import type { Handlers } from './handler-types';

export type { Handler, HandlerGroup, Handlers } from './handler-types';
import { createConsensusHandlers } from './consensus/handlers';
import { createExchangeHandlers } from './exchange/handlers';
import { JobRegistry } from './jobs';
import { createLabellingHandlers } from './labelling/handlers';
import { MaskStore } from './masks/mask-store';
import { createWorkspaceHandlers } from './workspace/handlers';
import { createIdentityHandlers } from './identity/handlers';
import { createPacsHandlers } from './interop/pacs-handlers';
import { createMaskExportHandlers } from './interop/handlers';
import { createMeasureHandlers } from './measure/handlers';
import { createTeamHandlers } from './team/handlers';
import { recordDraftOutcome } from './training/drafts';
import { createTrainingHandlers } from './training/handlers';
import { forkLauncher } from './training/trainer-launcher';
import { TrainingService } from './training/training-service';

export function createHandlers(
  app: AppContext,
  jobs = new JobRegistry(),
  training?: TrainingService,
): Handlers {
  // One mask store (and its cache of decoded heads) for every channel that reads or writes masks.
  const store = new MaskStore(app.workspace);
  const launch = app.capabilities.launchTrainer ?? forkLauncher();
  const labelling = createLabellingHandlers(app, store);
  const setStatus = labelling['worklist:setStatus'];
  const team = createTeamHandlers(app, store);
  return {
    ...createWorkspaceHandlers(app, jobs),
    ...createIdentityHandlers(app),
    ...labelling,
    ...createConsensusHandlers(app, jobs, store),
    ...createMaskExportHandlers(app),
    ...createExchangeHandlers(app),
    ...createTrainingHandlers(app, training ?? new TrainingService(app.workspace, launch), launch, jobs),
    ...createPacsHandlers(app, jobs),
    ...team,
    ...createMeasureHandlers(app),
    // Submitting marks the submitter's annotations of the case done: those that started from an AI draft
    // record the draft-vs-final Dice, as 'worklist:setStatus' does.
    'case:submit': async (req, ctx) => {
      const submission = await team['case:submit'](req, ctx);
      const ids = app.workspace.db
        .prepare(
          `SELECT a.id FROM annotations a JOIN volumes v ON v.id = a.volume_id
           WHERE v.case_id = ? AND a.annotator_id = ? AND a.kind = 'manual'`,
        )
        .all(submission.caseId, submission.annotatorId) as { id: number }[];
      for (const { id } of ids) {
        await recordDraftOutcome(app.workspace, id, ctx.actor).catch((e: unknown) =>
          console.error(`[draft outcome] annotation ${id}: ${(e as Error)?.message ?? String(e)}`),
        );
      }
      return submission;
    },
    // Marking an annotation done that started from an AI draft records the draft-vs-final Dice.
    'worklist:setStatus': async (req, ctx) => {
      const row = await setStatus(req, ctx);
      if (row.status === 'done' && row.annotationId !== null) {
        // The status is saved whatever happens here: a missing record is logged, not the user's error.
        await recordDraftOutcome(app.workspace, row.annotationId, ctx.actor).catch((e: unknown) =>
          console.error(
            `[draft outcome] annotation ${row.annotationId}: ${(e as Error)?.message ?? String(e)}`,
          ),
        );
      }
      return row;
    },
  };
}
