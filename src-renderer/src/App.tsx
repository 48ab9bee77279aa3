// The workstation shell: sign-in first (every edit is attributed to a profile), then the library (projects,
// cases, volumes), the worklist, labels, the case's annotations and the history on the left, the viewer with
// the labelling tools in the middle, import, autosave state and the session around it. What the user last
// looked at (project, volume, window/level, cursor) is saved in the workspace and reopened after a restart.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ImportSummary, SessionInfo, VolumeMeta, ViewState } from '../../src-preload/contract';
import { call, getBridge } from './api/bridge';
import { CASE_QUERIES, invalidateQueries } from './api/queries';
import { ActivityPanel } from './features/activity/ActivityPanel';
import { ConsensusPanel } from './features/consensus/ConsensusPanel';
import { useConsensus } from './features/consensus/useConsensus';
import { whenAllSaved } from './features/annotation/pendingSaves';
import { SaveIndicator } from './features/annotation/SaveIndicator';
import { useAnnotation } from './features/annotation/useAnnotation';
import { useWorkTimer } from './features/annotation/useWorkTimer';
import { HistoryPanel } from './features/history/HistoryPanel';
import { ImportPanel } from './features/import/ImportPanel';
import { LabelsPanel } from './features/labels/LabelsPanel';
import { useLabels } from './features/labels/useLabels';
import { LibraryPanel } from './features/library/LibraryPanel';
import { useVolume } from './features/library/useVolume';
import { ReviewPanel } from './features/review/ReviewPanel';
import { useCaseAnnotations } from './features/review/useCaseAnnotations';
import { SessionBar } from './features/session/SessionBar';
import { SignInScreen } from './features/session/SignInScreen';
import { TrainingDrawer } from './features/training/TrainingDrawer';
import { APP_KEY_HELP, useAppKeys } from './appKeys';
import { useModels } from './features/training/useModels';
import { useTrainingRuns } from './features/training/useTrainingRuns';
import { useUncertaintyRanking } from './features/worklist/useUncertaintyRanking';
import { WorklistPanel } from './features/worklist/WorklistPanel';
import type { ViewerEditing, ViewerReview } from './viewer';
import { Viewer } from './viewer';
import './features/labelling.css';
import './features/training/training.css';

export function App() {
  const bridge = getBridge();
  const [ready, setReady] = useState(false);
  const [fatal, setFatal] = useState<string | null>(null);
  const [projectId, setProjectId] = useState<number | null>(null);
  const [volumeId, setVolumeId] = useState<number | null>(null);
  const [showActivity, setShowActivity] = useState(false);
  // The training drawer is open for one profile: signing out (or in as someone else) closes it.
  const [trainingFor, setTrainingFor] = useState<number | null>(null);
  /** The viewer's axial slice (k), for the augmentation preview. */
  const [slice, setSlice] = useState<number | null>(null);
  const [savedView, setSavedView] = useState<ViewState>({});
  const [workspace, setWorkspace] = useState('');
  const load = useVolume(volumeId);
  const saveTimer = useRef<number | undefined>(undefined);
  const savedViewRef = useRef<ViewState>({});
  // Viewing and importing need no profile; labelling does (every edit is attributed). Signed out, the top
  // bar offers "Sign in", which shows the sign-in screen (or, on a fresh workspace, the first admin's).
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const me = session?.annotator ?? null;

  useEffect(() => {
    call(bridge.invoke('session:get', undefined))
      .then(setSession)
      .catch((e: Error) => setFatal(e.message));
  }, [bridge]);

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
  const head = own.save?.head ?? null;
  useWorkTimer(own.info?.id ?? null);
  const caseAnnotations = useCaseAnnotations(
    meta ? { id: meta.id, caseId: meta.caseId, dims: meta.dims } : null,
    me?.id ?? null,
    own.info?.id ?? null,
    project.labels,
  );
  const { agreement } = consensus;
  const review = useMemo<ViewerReview | undefined>(() => {
    if (!consensusOn) return undefined;
    return {
      overlay: agreement.overlay,
      surface: agreement.surface,
      focus: agreement.focus,
      onCommand: (action) => {
        if (action === 'toggleOverlay') agreement.toggle();
        else agreement.step(action === 'nextRegion' ? 1 : -1);
      },
    };
  }, [consensusOn, agreement]);
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

  const [activeLabel, setActiveLabel] = useState<number | null>(null);
  useEffect(() => {
    const ed = own.editor;
    if (!ed) return;
    const sync = (): void => setActiveLabel(ed.settings.label);
    sync();
    return ed.subscribe(sync);
  }, [own.editor]);
  // The active label must be a label of the project; the first one otherwise.
  useEffect(() => {
    const ed = own.editor;
    const first = project.labels[0];
    if (ed && first && !project.labels.some((l) => l.value === ed.settings.label))
      ed.update({ label: first.value });
  }, [own.editor, project.labels]);
  const { notice, dismissNotice } = own;
  useEffect(() => {
    if (!notice || notice.kind === 'error') return;
    const t = window.setTimeout(dismissNotice, notice.kind === 'info' ? 6000 : 15000);
    return () => window.clearTimeout(t);
  }, [notice, dismissNotice]);

  // Restore the last session, or open the first volume of the first project (the sample on first start).
  useEffect(() => {
    (async () => {
      const info = await call(bridge.invoke('app:info', undefined));
      setWorkspace(info.workspace);
      const view = await call(bridge.invoke('view:get', undefined));
      const projects = await call(bridge.invoke('project:list', undefined));
      const pid = projects.find((p) => p.id === view.projectId)?.id ?? projects[0]?.id ?? null;
      let vid: number | null = null;
      if (view.volumeId !== undefined) {
        const v = await bridge.invoke('volume:get', { volumeId: view.volumeId });
        if (v.ok) vid = v.value.id;
      }
      if (vid === null && pid !== null) {
        const cases = await call(bridge.invoke('case:list', { projectId: pid }));
        for (const c of cases) {
          const vols = await call(bridge.invoke('volume:list', { caseId: c.id }));
          if (vols[0]) {
            vid = vols[0].id;
            break;
          }
        }
      }
      setSavedView(vid === view.volumeId ? view : {});
      savedViewRef.current = { ...view, projectId: pid ?? undefined, volumeId: vid ?? undefined };
      setProjectId(pid);
      setVolumeId(vid);
      setReady(true);
    })().catch((e: Error) => setFatal(e.message));
  }, [bridge]);

  const persist = useCallback(
    (patch: ViewState) => {
      window.clearTimeout(saveTimer.current);
      const next = { ...savedViewRef.current, ...patch };
      savedViewRef.current = next;
      saveTimer.current = window.setTimeout(() => void bridge.invoke('view:set', next), 400);
    },
    [bridge],
  );
  const openVolume = useCallback(
    (v: VolumeMeta) => {
      setVolumeId(v.id);
      setSavedView({});
      savedViewRef.current = { projectId: projectId ?? undefined, caseId: v.caseId, volumeId: v.id };
      persist({});
    },
    [persist, projectId],
  );

  const openVolumeId = useCallback(
    (id: number) => {
      setVolumeId(id);
      setSavedView({});
      savedViewRef.current = { projectId: projectId ?? undefined, volumeId: id };
      persist({});
    },
    [persist, projectId],
  );
  const [nextMessage, setNextMessage] = useState<string | null>(null);
  const nextCase = useCallback(async () => {
    if (projectId === null) return;
    try {
      const n = await call(bridge.invoke('worklist:next', { projectId }));
      setNextMessage(n ? null : 'Nothing left: every case of yours in this project is done.');
      if (n) openVolumeId(n.volumeId);
    } catch (e) {
      setNextMessage((e as Error).message);
    }
  }, [bridge, projectId, openVolumeId]);

  const editing = useMemo<ViewerEditing | undefined>(() => {
    if (!own.layer) return undefined;
    return {
      editor: own.editor,
      overlays: [...caseAnnotations.layers, own.layer],
      surface: own.layer,
      labels: project.labels,
      onNextCase: () => void nextCase(),
    };
  }, [own.editor, own.layer, caseAnnotations.layers, project.labels, nextCase]);

  const onImported = useCallback(
    (summary: ImportSummary) => {
      setProjectId(summary.projectId);
      invalidateQueries('projects', 'cases', 'audit');
      const first = summary.volumes[0];
      if (first) {
        setVolumeId(first.id);
        setSavedView({});
        savedViewRef.current = { projectId: summary.projectId, caseId: first.caseId, volumeId: first.id };
        persist({});
      }
    },
    [persist],
  );

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
      <header className="topbar">
        <span className="brand">Concord</span>
        <ImportPanel
          projectId={projectId}
          blockedReason={
            !me
              ? 'Sign in as a reviewer or admin to import.'
              : me.role === 'annotator'
                ? 'Importing needs a reviewer or admin profile.'
                : null
          }
          onImported={onImported}
        />
        <span className="spacer" />
        <SaveIndicator save={own.save} onRetry={own.retrySaving} />
        {session && me && <SessionBar session={session} whenSaved={whenAllSaved} onSignedOut={setSession} />}
        {session && !me && (
          <button
            type="button"
            className="primary"
            data-testid="signin-open"
            onClick={() => setSigningIn(true)}
          >
            {session.firstRun ? 'Create the admin profile' : 'Sign in to label'}
          </button>
        )}
        {reviewer && meta && (
          <button
            type="button"
            data-testid="consensus-toggle"
            aria-pressed={consensusOpen}
            title="Compare, merge and adjudicate the raters of this case (Alt+C)"
            onClick={toggleConsensus}
          >
            Consensus
          </button>
        )}
        {me && (
          <button
            type="button"
            data-testid="training-open"
            title="Train, run and manage models (Alt+T)"
            onClick={toggleTraining}
            aria-pressed={showTraining}
          >
            Training
          </button>
        )}
        <button
          type="button"
          data-testid="activity-toggle"
          onClick={() => setShowActivity((s) => !s)}
          aria-pressed={showActivity}
        >
          Activity
        </button>
        <span className="muted host" title={workspace}>
          {bridge.host === 'web' ? 'web host' : 'desktop'}
        </span>
      </header>
      <aside className="sidebar">
        <LibraryPanel
          projectId={projectId}
          selectedVolumeId={volumeId}
          onSelectProject={(id) => {
            setProjectId(id);
            persist({ projectId: id });
          }}
          onOpenVolume={openVolume}
        />
        {me ? (
          <>
            <WorklistPanel
              projectId={projectId}
              me={me}
              openVolumeId={volumeId}
              onOpenVolume={openVolumeId}
              onNextCase={() => void nextCase()}
              nextMessage={nextMessage}
              models={models.models}
              ranking={ranking}
            />
            <LabelsPanel
              projectId={projectId}
              role={me.role}
              project={project}
              activeLabel={activeLabel}
              onActivate={(value) => own.editor?.update({ label: value })}
            />
            {meta && <ReviewPanel me={me} ownAnnotationId={own.info?.id ?? null} state={caseAnnotations} />}
            <HistoryPanel annotationId={own.info?.id ?? null} head={head} onRevert={own.revert} />
          </>
        ) : (
          <section className="panel" data-testid="signed-out">
            <p className="muted">
              Viewing only. Sign in to label: your worklist, the project&apos;s labels, your annotations and
              their history appear here.
            </p>
          </section>
        )}
        {showActivity && <ActivityPanel />}
      </aside>
      <main className="stage">
        {!ready && <div className="placeholder">Opening workspace…</div>}
        {ready && volumeId === null && (
          <div className="placeholder">Import a NIfTI file, a DICOM folder or a PNG to begin (Ctrl+O).</div>
        )}
        {load.progress !== null && (
          <div className="placeholder" data-testid="volume-loading">
            Loading volume… {Math.round(load.progress * 100)}%
            <progress max={1} value={load.progress} />
          </div>
        )}
        {load.error && (
          <div className="placeholder error" role="alert">
            {load.error}
          </div>
        )}
        {load.volume && (
          <Viewer
            key={load.volume.meta.id}
            meta={load.volume.meta}
            voxels={load.volume.voxels}
            initialView={savedView}
            onViewChange={(v) => {
              setSlice(v.cursor?.[2] ?? null);
              persist({ window: v.window, level: v.level, cursor: v.cursor, layout: v.layout });
            }}
            editing={editing}
            review={review}
            appKeyHelp={APP_KEY_HELP}
          />
        )}
        {workingTarget !== null && (
          <div
            className="notice notice-warning cs-working-banner"
            role="status"
            data-testid="editing-working"
          >
            Editing the working reference mask (adjudication): record the edit with a rationale under Manual
            edit.
            <button type="button" className="link" onClick={() => setEditWorking(false)}>
              Back to my annotation
            </button>
          </div>
        )}
        {own.error && (
          <div className="notice notice-error" role="alert" data-testid="annotation-error">
            Your annotation could not be opened: {own.error}
          </div>
        )}
        {notice && (
          <div className={`notice notice-${notice.kind}`} role="status" data-testid="notice">
            {notice.text}
            <button type="button" className="link" aria-label="Dismiss" onClick={dismissNotice}>
              ✕
            </button>
          </div>
        )}
      </main>
      {consensusOn && (
        <ConsensusPanel
          consensus={consensus}
          labels={project.labels}
          annotations={caseAnnotations.annotations}
          reviewOpen={Boolean(caseAnnotations.review?.reviewOpenedAt)}
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
          slice={slice ?? savedView.cursor?.[2] ?? null}
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
