// Adjudication: the reviewer builds the case's reference mask region by region — take one rater's voxels,
// the consensus, or edit by hand (the labelling tools switch onto the working reference mask) — each
// decision with a written rationale; the decisions are listed; the last one can be undone; sign-off stores
// the reference mask, reopening needs a reason.
import { useState, type ReactNode } from 'react';
import type { AnnotationInfo } from '@contract';
import { whenAllSaved } from '../annotation/pendingSaves';
import { DecisionList } from './DecisionList';
import { SignOffBox } from './SignOffBox';
import type { Adjudication, DecisionInput } from './useAdjudication';
import type { Agreement } from './useAgreement';

type Choice = 'rater' | 'consensus' | 'manual';

/** One way to decide a region: its radio button, its name and what it needs (a rater, a merge, the tools). */
function ChoiceRow(props: {
  value: Choice;
  label: string;
  choice: Choice;
  onChoose(c: Choice): void;
  children: ReactNode;
}) {
  return (
    <label className="cs-choice">
      <input
        type="radio"
        name="choice"
        data-testid={`choice-${props.value}`}
        checked={props.choice === props.value}
        onChange={() => props.onChoose(props.value)}
      />
      {props.label} {props.children}
    </label>
  );
}

interface Props {
  adjudication: Adjudication;
  projectId: number | null;
  agreement: Agreement;
  /** The case's annotations (raters and derived masks) with their head revisions. */
  annotations: readonly AnnotationInfo[];
  label: number;
  /** The labelling tools are on the working reference mask. */
  editingWorking: boolean;
  onEditWorking(on: boolean): void;
}

export function AdjudicationPanel(p: Props) {
  const { adjudication: adj, agreement } = p;
  const s = adj.state;
  return (
    <section className="cs-section" data-testid="adjudication" aria-label="Adjudication">
      <h3>Adjudication</h3>
      {!s ? (
        <StartBox {...p} />
      ) : (
        <>
          <p className="muted" data-testid="adjudication-status" data-status={s.status}>
            {s.status === 'open' ? 'Open' : 'Signed off'} · started by {s.startedBy} · working mask revision{' '}
            {s.headRevisionId}
          </p>
          {s.status === 'open' && <DecisionForm {...p} />}
          <DecisionList
            decisions={s.decisions}
            regionOf={(id) => agreement.map?.regions.find((r) => r.id === id)}
          />
          <SignOffBox adjudication={adj} projectId={p.projectId} />
        </>
      )}
      {adj.message && (
        <p
          className={adj.message.kind}
          role={adj.message.kind === 'error' ? 'alert' : 'status'}
          data-testid="adjudication-message"
        >
          {adj.message.text}
        </p>
      )}
    </section>
  );
}

function StartBox({ adjudication, annotations, label }: Props) {
  const seeds = annotations.filter((a) => a.headRevisionId !== null);
  const preferred = seeds.find((a) => a.kind === 'derived' && a.authorName === 'STAPLE') ?? seeds[0];
  const [seed, setSeed] = useState<number | null>(null);
  const chosen = seeds.find((a) => a.id === seed) ?? preferred;
  return (
    <div className="cs-row">
      <label>
        Start from{' '}
        <select
          data-testid="adjudication-seed"
          value={chosen?.id ?? ''}
          onChange={(e) => setSeed(Number(e.target.value))}
        >
          {seeds.map((a) => (
            <option key={a.id} value={a.id}>
              {a.authorName} (rev. {a.headRevisionId})
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="primary"
        data-testid="adjudication-start"
        disabled={!chosen || adjudication.busy}
        onClick={() => chosen && void adjudication.start(chosen.headRevisionId!, label)}
      >
        Start adjudication
      </button>
    </div>
  );
}

function DecisionForm({ adjudication, agreement, annotations, editingWorking, onEditWorking }: Props) {
  const [choice, setChoice] = useState<Choice>('rater');
  const [rater, setRater] = useState<number | null>(null);
  const [consensus, setConsensus] = useState<number | null>(null);
  const [rationale, setRationale] = useState('');
  const map = agreement.map;
  const region = agreement.region;
  const raters = (map?.raters ?? []).filter((r) => r.kind === 'manual');
  const working = adjudication.state?.workingAnnotationId;
  const derived = annotations.filter(
    (a) =>
      a.kind === 'derived' && a.headRevisionId !== null && a.id !== working && a.authorName !== 'reference',
  );
  const raterRev = (raters.find((r) => r.revisionId === rater) ?? raters[0])?.revisionId ?? null;
  const consensusRev =
    (derived.find((a) => a.headRevisionId === consensus) ?? derived[0])?.headRevisionId ?? null;
  const where = map && region ? { agreementId: map.agreementId, regionId: region.id } : null;

  const submit = async (): Promise<void> => {
    let d: DecisionInput | null = null;
    if (choice === 'manual') d = where ? { kind: 'manual', region: where } : { kind: 'manual' };
    else if (where && choice === 'rater' && raterRev !== null)
      d = { kind: 'take-rater', region: where, sourceRevisionId: raterRev };
    else if (where && choice === 'consensus' && consensusRev !== null)
      d = { kind: 'take-consensus', region: where, sourceRevisionId: consensusRev };
    if (!d) return;
    if (d.kind === 'manual' && rationale.trim()) {
      // The tools go back to the own annotation first, and every edit of the working mask is saved before
      // the decision records them (a manual decision without a patch takes the edits committed so far).
      onEditWorking(false);
      await whenAllSaved();
    }
    if (await adjudication.decide(d, rationale)) setRationale('');
  };
  const needsRegion = choice !== 'manual' && !where;
  return (
    <div className="cs-decide" data-testid="decision-form">
      <p data-testid="decision-region">
        {region
          ? `Region ${region.id}: ${region.volumeMl.toFixed(3)} mL, on average ${region.meanVotes.toFixed(1)} of ${map?.raters.length ?? 0} raters per voxel`
          : 'No region selected: use Next ▶ (or }) in Disagreement; a manual edit needs none.'}
      </p>
      <ChoiceRow value="rater" label="Take rater" choice={choice} onChoose={setChoice}>
        <select
          data-testid="choice-rater-select"
          value={raterRev ?? ''}
          onChange={(e) => setRater(Number(e.target.value))}
        >
          {raters.map((r) => (
            <option key={r.revisionId} value={r.revisionId}>
              {r.name}
            </option>
          ))}
        </select>
      </ChoiceRow>
      <ChoiceRow value="consensus" label="Take consensus" choice={choice} onChoose={setChoice}>
        <select
          data-testid="choice-consensus-select"
          value={consensusRev ?? ''}
          onChange={(e) => setConsensus(Number(e.target.value))}
        >
          {derived.map((a) => (
            <option key={a.id} value={a.headRevisionId!}>
              {a.authorName} (rev. {a.headRevisionId})
            </option>
          ))}
        </select>
      </ChoiceRow>
      <ChoiceRow value="manual" label="Manual edit" choice={choice} onChoose={setChoice}>
        <button
          type="button"
          data-testid="edit-working"
          aria-pressed={editingWorking}
          className={editingWorking ? 'primary' : ''}
          title="Switch the labelling tools onto the working reference mask"
          onClick={() => {
            setChoice('manual');
            onEditWorking(!editingWorking);
          }}
        >
          {editingWorking ? 'Editing the reference mask — stop' : 'Edit by hand'}
        </button>
      </ChoiceRow>
      <textarea
        data-testid="rationale"
        placeholder="Rationale (required): why this decision?"
        value={rationale}
        rows={3}
        maxLength={4000}
        onChange={(e) => setRationale(e.target.value)}
      />
      <div className="cs-row">
        <button
          type="button"
          className="primary"
          data-testid="decide"
          disabled={adjudication.busy || needsRegion}
          title={needsRegion ? 'Select a region first' : 'Record the decision with its rationale'}
          onClick={() => void submit()}
        >
          Record decision
        </button>
        <button
          type="button"
          data-testid="undo-decision"
          disabled={adjudication.busy || (adjudication.state?.decisions.length ?? 0) < 2}
          title="Restore the mask as it was before the last decision (recorded as a new decision, with the rationale)"
          onClick={() => void adjudication.undoLast(rationale).then((ok) => ok && setRationale(''))}
        >
          Undo last decision
        </button>
      </div>
    </div>
  );
}
