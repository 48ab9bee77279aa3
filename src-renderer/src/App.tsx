// The workstation shell: sign-in first (every edit is attributed to a profile), then the library (projects,
// cases, volumes), the worklist, labels, the case's annotations and the history on the left (SideBar), the
// viewer with the labelling tools in the middle (Stage), import, autosave state and the session around it
// (TopBar), and the consensus panel or the training drawer on the right. What the user last looked at
// (project, volume, window/level, cursor) is saved in the workspace and reopened after a restart
// (useOpenVolume). The lists are queries (api/queries.ts) that mutations and pushed events invalidate.
import { useCallback, useMemo, useState } from 'react';
import { call, getBridge } from './api/bridge';
import { CASE_QUERIES, invalidateQueries } from './api/queries';
import { SideBar } from './app/SideBar';
import { Stage } from './app/Stage';
import { TopBar } from './app/TopBar';
import { useActiveLabel } from './app/useActiveLabel';
import { useOpenVolume } from './app/useOpenVolume';
import { useAppKeys } from './appKeys';
import { useAnnotation } from './features/annotation/useAnnotation';
import { useWorkTimer } from './features/annotation/useWorkTimer';
import { ConsensusPanel } from './features/consensus/ConsensusPanel';
import { useConsensus } from './features/consensus/useConsensus';
import { useViewerReview } from './features/consensus/useViewerReview';
import { useLabels } from './features/labels/useLabels';
import { useLabelStats } from './features/measurements/useLabelStats';
import { useMeasurements } from './features/measurements/useMeasurements';
import { useCaseAnnotations } from './features/review/useCaseAnnotations';
import { useRaterHistory } from './features/history/useRaterHistory';
import { SignInScreen } from './features/session/SignInScreen';
import { useSession } from './features/session/useSession';
import { TrainingDrawer } from './features/training/TrainingDrawer';
import { useModels } from './features/training/useModels';
import { useTrainingRuns } from './features/training/useTrainingRuns';
import { useUncertaintyRanking } from './features/worklist/useUncertaintyRanking';
import type { ViewerEditing } from './viewer';
import './features/labelling.css';
import './features/training/training.css';

export function App() {
  const bridge = getBridge();
  const { session, me, setSession, signingIn, setSigningIn, error: sessionError } = useSession();
  const opened = useOpenVolume();
  const { projectId, load } = opened;
  const [showActivity, setShowActivity] = useState(false);
  // The training drawer is open for one profile: signing out (or in as someone else) closes it.
  const [trainingFor, setTrainingFor] = useState<number | null>(null);

  // ---- labelling: the project's labels, the own annotation with its tools and autosave ----
  const project = useLabels(projectId, me !== null);
  const meta = load.volume?.meta ?? null;
  // ---- review (consensus): reviewers and admins, on the open volume, while the panel is open ----
  const [consensusOpen, setConsensusOpen] = useState(false);
  const [editWorking, setEditWorking] = useState(false);
  const reviewer = me !== null && me.role !== 'annotator';
  const consensusOn = reviewer && consensusOpen && meta !== null;
  const consensus = useConsensus(
    consensusOn && meta ? { id: meta.id, dims: meta.dims } : null,
    project.labels[0]?.value ?? 1,
  );
  const adjState = consensus.adjudication.state;
  // "Manual edit" in adjudication: the labelling tools work on the working reference mask.
  const workingTarget =
    consensusOn && editWorking && adjState?.status === 'open' ? adjState.workingAnnotationId : null;
  const own = useAnnotation(me ? load.volume : null, me, project.lut, workingTarget);
  useWorkTimer(own.info?.id ?? null);
  const caseAnnotations = useCaseAnnotations(
    meta ? { id: meta.id, caseId: meta.caseId, dims: meta.dims } : null,
    me?.id ?? null,
    own.info?.id ?? null,
    project.labels,
  );
  // Another rater's history in the History panel, and a branch tip open read-only in the viewer.
  const history = useRaterHistory(
    meta ? { id: meta.id, dims: meta.dims } : null,
    caseAnnotations.annotations,
    project.lut,
  );
  const review = useViewerReview(consensusOn, consensus.agreement);
  // ---- training: runs (reviewers and admins), the model registry, the worklist's uncertainty order ----
  const showTraining = me !== null && trainingFor === me.id;
  const runs = useTrainingRuns(reviewer ? projectId : null);
  // The consensus panel and the training drawer share the third column: one at a time.
  const toggleTraining = useCallback(() => {
    if (!me) return;
    setTrainingFor(showTraining ? null : me.id);
    setConsensusOpen(false);
  }, [me, showTraining]);
  const toggleConsensus = useCallback(() => {
    if (!reviewer || !meta) return;
    setConsensusOpen((o) => !o);
    setTrainingFor(null);
  }, [reviewer, meta]);
  useAppKeys((panel) => (panel === 'training' ? toggleTraining() : toggleConsensus()));
  const models = useModels(me?.id ?? null);
  const ranking = useUncertaintyRanking();
  const ownHead = own.save?.head ?? own.info?.headRevisionId ?? null;
  const activeLabel = useActiveLabel(own.editor, project.labels);

  // ---- measurements of the open volume (signed in), and the label volumes of the own annotation ----
  const measurements = useMeasurements(me ? (meta?.id ?? null) : null, me?.id ?? null);
  const labelStats = useLabelStats(own.layer, load.volume);

  const { nextCase } = opened;
  const branch = history.view?.layer ?? null;
  const editing = useMemo<ViewerEditing | undefined>(() => {
    // A branch open read-only is drawn in place of the own mask, with no tools.
    const layer = branch ?? own.layer;
    if (!layer) return undefined;
    return {
      editor: branch ? null : own.editor,
      overlays: [...caseAnnotations.layers, layer],
      surface: layer,
      labels: project.labels,
      onNextCase: () => void nextCase(),
    };
  }, [branch, own.editor, own.layer, caseAnnotations.layers, project.labels, nextCase]);

  const fatal = sessionError ?? opened.error;
  if (fatal) {
    return (
      <div className="fatal" role="alert">
        <h1>Concord cannot start</h1>
        <p>{fatal}</p>
      </div>
    );
  }

  if (signingIn && session && !me) {
    return (
      <SignInScreen
        firstRun={session.firstRun}
        onSignedIn={(s) => {
          setSession(s);
          setSigningIn(false);
        }}
        onCancel={() => setSigningIn(false)}
      />
    );
  }

  return (
    <div className={consensusOn ? 'app with-consensus' : showTraining ? 'app with-drawer' : 'app'}>
      <TopBar
        projectId={projectId}
        session={session}
        me={me}
        save={own.save}
        onRetrySaving={own.retrySaving}
        onImported={opened.onImported}
        onSignedOut={setSession}
        onSignIn={() => setSigningIn(true)}
        consensusAvailable={reviewer && meta !== null}
        consensusOpen={consensusOpen}
        onToggleConsensus={toggleConsensus}
        trainingOpen={showTraining}
        onToggleTraining={toggleTraining}
        activityOpen={showActivity}
        onToggleActivity={() => setShowActivity((s) => !s)}
        host={bridge.host}
        workspace={opened.workspace}
      />
      <SideBar
        projectId={projectId}
        volumeId={opened.volumeId}
        me={me}
        onSelectProject={opened.selectProject}
        onOpenVolume={opened.openVolume}
        onOpenVolumeId={opened.openVolumeId}
        onNextCase={() => void nextCase()}
        nextMessage={opened.nextMessage}
        models={models.models}
        ranking={ranking}
        project={project}
        activeLabel={activeLabel}
        own={own}
        caseAnnotations={caseAnnotations}
        history={history}
        showActivity={showActivity}
        measurements={measurements}
        volume={load.volume}
        labelStats={labelStats}
      />
      <Stage
        ready={opened.ready}
        volumeId={opened.volumeId}
        load={load}
        savedView={opened.savedView}
        onViewChange={opened.onViewChange}
        editing={editing}
        review={review}
        measure={measurements.viewer}
        editingWorking={workingTarget !== null}
        onBackToOwn={() => setEditWorking(false)}
        branchView={history.view}
        onCloseBranch={history.close}
        annotationError={own.error}
        notice={own.notice}
        onDismissNotice={own.dismissNotice}
      />
      {consensusOn && (
        <ConsensusPanel
          consensus={consensus}
          projectId={projectId}
          labels={project.labels}
          annotations={caseAnnotations.annotations}
          reviewOpen={Boolean(caseAnnotations.review?.reviewOpenedAt)}
          caseId={caseAnnotations.review?.caseId ?? null}
          onOpenReview={() => void caseAnnotations.openReview()}
          onMerged={(r) => {
            invalidateQueries('caseAnnotations');
            const id = r.saved?.annotationId;
            if (id !== undefined && !caseAnnotations.shown.has(id)) caseAnnotations.toggle(id);
          }}
          editingWorking={workingTarget !== null}
          onEditWorking={setEditWorking}
          onClose={() => setConsensusOpen(false)}
        />
      )}
      {showTraining && me && (
        <TrainingDrawer
          me={me}
          projectId={projectId}
          volumeId={meta?.id ?? null}
          slice={opened.slice ?? opened.savedView.cursor?.[2] ?? null}
          cursor={opened.cursor ?? opened.savedView.cursor ?? null}
          runs={runs}
          models={models}
          ownRevisions={own.info ? (ownHead === null ? 0 : 1) : null}
          onStartFrom={async (draftAnnotationId) => {
            const revisionId = await own.adopt(async () => {
              const r = await call(bridge.invoke('draft:start', { draftAnnotationId }));
              return r.revisionId;
            });
            invalidateQueries(...CASE_QUERIES);
            return revisionId;
          }}
          onClose={() => setTrainingFor(null)}
        />
      )}
    </div>
  );
}
