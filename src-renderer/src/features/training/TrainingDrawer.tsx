// The training drawer beside the viewer (top bar "Training"): tabs Train (reviewers and
// admins: start, watch, cancel, resume runs), Models (the registry, export and import), AI draft (run a
// model or a simple model on the open case; start an annotation from a draft) and Augment (augmented
// samples of the slice).
import { useState } from 'react';
import type { AnnotatorInfo } from '@contract';
import { AiDraftTab } from './AiDraftTab';
import { AugmentTab } from './AugmentTab';
import { ModelsTab } from './ModelsTab';
import { TrainingTab } from './TrainingTab';
import type { Models } from './useModels';
import type { TrainingRuns } from './useTrainingRuns';

type Tab = 'train' | 'models' | 'draft' | 'augment';

interface Props {
  me: AnnotatorInfo;
  projectId: number | null;
  volumeId: number | null;
  slice: number | null;
  /** The viewer's crosshair (voxel indices i, j, k), for simple drafts' seeds. */
  cursor: [number, number, number] | null;
  runs: TrainingRuns;
  models: Models;
  /** Whether the own annotation of the open case is absent (null), empty, or has revisions. */
  ownRevisions: number | null;
  onStartFrom(draftAnnotationId: number): Promise<number>;
  onClose(): void;
}

export function TrainingDrawer(p: Props) {
  const reviewer = p.me.role !== 'annotator';
  const [tab, setTab] = useState<Tab>(reviewer ? 'train' : 'draft');
  const tabs: { id: Tab; text: string; show: boolean }[] = [
    { id: 'train', text: 'Train', show: reviewer },
    { id: 'models', text: 'Models', show: true },
    { id: 'draft', text: 'AI draft', show: true },
    { id: 'augment', text: 'Augment', show: true },
  ];
  return (
    <aside className="training-drawer" aria-label="Training" data-testid="training-drawer">
      <header>
        <nav role="tablist">
          {tabs
            .filter((t) => t.show)
            .map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                aria-selected={tab === t.id}
                data-testid={`training-tab-${t.id}`}
                onClick={() => setTab(t.id)}
              >
                {t.text}
              </button>
            ))}
        </nav>
        <button type="button" className="link" aria-label="Close training" onClick={p.onClose}>
          ✕
        </button>
      </header>
      <div className="training-body">
        {p.projectId === null ? (
          <p className="muted">Open a project first.</p>
        ) : tab === 'train' && reviewer ? (
          <TrainingTab projectId={p.projectId} models={p.models.models} state={p.runs} />
        ) : tab === 'models' ? (
          <ModelsTab projectId={p.projectId} state={p.models} />
        ) : tab === 'augment' ? (
          <AugmentTab volumeId={p.volumeId} slice={p.slice} />
        ) : (
          <AiDraftTab
            volumeId={p.volumeId}
            models={p.models.models}
            canRun={reviewer}
            ownRevisions={p.ownRevisions}
            onStartFrom={p.onStartFrom}
            cursor={p.cursor}
          />
        )}
      </div>
    </aside>
  );
}
