// The left column: the library (projects, cases, volumes) for everyone; signed in, the worklist, the
// project's labels, the case's annotations (review) and the own annotation's history; the activity log
// when asked for; bundles to and from other workstations.
import type { AnnotatorInfo, ModelInfo, VolumeMeta } from '@contract';
import type { LabelStats } from '@core/measure/statistics';
import type { VoxelArray } from '@core/volume/types';
import { MeasurementsPanel } from '../features/measurements/MeasurementsPanel';
import type { Measurements } from '../features/measurements/useMeasurements';
import { looksLikeCT } from '../viewer';
import { ActivityPanel } from '../features/activity/ActivityPanel';
import type { OwnAnnotation } from '../features/annotation/useAnnotation';
import { ExchangePanel } from '../features/exchange/ExchangePanel';
import { HistoryPanel } from '../features/history/HistoryPanel';
import type { RaterHistory } from '../features/history/useRaterHistory';
import { LabelsPanel } from '../features/labels/LabelsPanel';
import type { ProjectLabels } from '../features/labels/useLabels';
import { LibraryPanel } from '../features/library/LibraryPanel';
import { ReferencesExport } from '../features/review/ReferencesExport';
import { ReviewPanel } from '../features/review/ReviewPanel';
import type { CaseAnnotations } from '../features/review/useCaseAnnotations';
import type { UncertaintyRanking } from '../features/worklist/useUncertaintyRanking';
import { TeamPanel } from '../features/team/TeamPanel';
import { WorklistPanel } from '../features/worklist/WorklistPanel';

interface Props {
  projectId: number | null;
  volumeId: number | null;
  me: AnnotatorInfo | null;
  onSelectProject(projectId: number): void;
  onOpenVolume(volume: VolumeMeta): void;
  onOpenVolumeId(volumeId: number): void;
  onNextCase(): void;
  nextMessage: string | null;
  models: ModelInfo[];
  ranking: UncertaintyRanking;
  project: ProjectLabels;
  activeLabel: number | null;
  own: OwnAnnotation;
  caseAnnotations: CaseAnnotations;
  /** Whose history shows (the own, or another rater's) and the branch open read-only. */
  history: RaterHistory;
  showActivity: boolean;
  measurements: Measurements;
  /** The open volume (the review panel shows; the ellipses' and labels' statistics read its voxels). */
  volume: { meta: VolumeMeta; voxels: VoxelArray } | null;
  labelStats: LabelStats[] | null;
}

export function SideBar(p: Props) {
  const { me, own, history } = p;
  const subject = history.subject;
  return (
    <aside className="sidebar">
      <LibraryPanel
        role={me?.role ?? null}
        projectId={p.projectId}
        selectedVolumeId={p.volumeId}
        onSelectProject={p.onSelectProject}
        onOpenVolume={p.onOpenVolume}
      />
      {me ? (
        <>
          <WorklistPanel
            projectId={p.projectId}
            me={me}
            openVolumeId={p.volumeId}
            onOpenVolume={p.onOpenVolumeId}
            onNextCase={p.onNextCase}
            nextMessage={p.nextMessage}
            models={p.models}
            ranking={p.ranking}
          />
          {p.projectId !== null && me.role !== 'annotator' && (
            <>
              <TeamPanel projectId={p.projectId} />
              <section className="panel" aria-label="References">
                <ReferencesExport projectId={p.projectId} />
              </section>
            </>
          )}
          <LabelsPanel
            projectId={p.projectId}
            role={me.role}
            project={p.project}
            activeLabel={p.activeLabel}
            onActivate={(value) => own.editor?.update({ label: value })}
          />
          {p.volume && (
            <MeasurementsPanel
              m={p.measurements}
              volume={p.volume}
              unit={looksLikeCT(p.volume.meta) ? 'HU' : ''}
              labels={p.project.labels}
              labelStats={p.labelStats}
            />
          )}
          {p.volume && (
            <ReviewPanel
              me={me}
              ownAnnotationId={own.info?.id ?? null}
              ownEditor={own.info?.kind === 'manual' ? own.editor : null}
              state={p.caseAnnotations}
              onShowHistory={history.show}
              historyOf={subject?.id ?? null}
              volume={p.volume.meta}
              labels={p.project.labels}
            />
          )}
          {history.error && (
            <p className="error" role="alert" data-testid="history-error">
              {history.error}
            </p>
          )}
          {subject ? (
            <HistoryPanel
              annotationId={subject.id}
              head={subject.headRevisionId}
              ownerName={subject.authorName}
              canPick={me.role !== 'annotator'}
              onPick={(revisionId) => history.pick(subject.id, revisionId)}
              onView={(r) => void history.open(subject, r)}
              viewing={history.view?.revisionId ?? null}
              onBack={history.back}
            />
          ) : (
            <HistoryPanel
              annotationId={own.info?.id ?? null}
              head={own.save?.head ?? null}
              ownerName={null}
              canPick
              onPick={own.revert}
              onRevert={own.revert}
              onView={(r) => {
                if (own.info) void history.open(own.info, r);
              }}
              viewing={history.view?.revisionId ?? null}
            />
          )}
          <ExchangePanel projectId={p.projectId} me={me} />
        </>
      ) : (
        <section className="panel" data-testid="signed-out">
          <p className="muted">
            Viewing only. Sign in to label: your worklist, the project&apos;s labels, your annotations and
            their history appear here.
          </p>
        </section>
      )}
      {p.showActivity && <ActivityPanel />}
    </aside>
  );
}
