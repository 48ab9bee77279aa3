// The left column: the library (projects, cases, volumes) for everyone; signed in, the worklist, the
// project's labels, the case's annotations (review) and the own annotation's history; the activity log
// when asked for; bundles to and from other workstations.
import type { AnnotatorInfo, ModelInfo, VolumeMeta } from '@contract';
import { ActivityPanel } from '../features/activity/ActivityPanel';
import type { OwnAnnotation } from '../features/annotation/useAnnotation';
import { ExchangePanel } from '../features/exchange/ExchangePanel';
import { HistoryPanel } from '../features/history/HistoryPanel';
import { LabelsPanel } from '../features/labels/LabelsPanel';
import type { ProjectLabels } from '../features/labels/useLabels';
import { LibraryPanel } from '../features/library/LibraryPanel';
import { ReviewPanel } from '../features/review/ReviewPanel';
import type { CaseAnnotations } from '../features/review/useCaseAnnotations';
import type { UncertaintyRanking } from '../features/worklist/useUncertaintyRanking';
import { TeamPanel } from '../features/team/TeamPanel';
import { WorklistPanel } from '../features/worklist/WorklistPanel';

interface Props {
  projectId: number | null;
  volumeId: number | null;
  /** A volume is open (the review panel shows). */
  volumeOpen: boolean;
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
  showActivity: boolean;
}

export function SideBar(p: Props) {
  const { me, own } = p;
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
          {p.projectId !== null && me.role !== 'annotator' && <TeamPanel projectId={p.projectId} />}
          <LabelsPanel
            projectId={p.projectId}
            role={me.role}
            project={p.project}
            activeLabel={p.activeLabel}
            onActivate={(value) => own.editor?.update({ label: value })}
          />
          {p.volumeOpen && (
            <ReviewPanel
              me={me}
              ownAnnotationId={own.info?.id ?? null}
              ownEditor={own.info?.kind === 'manual' ? own.editor : null}
              state={p.caseAnnotations}
            />
          )}
          <HistoryPanel
            annotationId={own.info?.id ?? null}
            head={own.save?.head ?? null}
            onRevert={own.revert}
          />
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
