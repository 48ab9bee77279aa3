// Trust on first use: a bundle signed by a workspace this one has not seen before. The user compares the
// fingerprint with the sender's (read out by phone, or on the label of the USB stick) before accepting; the
// answer is remembered, so the next bundle from that workspace imports without asking.
import type { BundleInspection } from '@contract';

interface Props {
  inspection: BundleInspection;
  onTrust(): void;
  onCancel(): void;
}

export function TrustDialog({ inspection, onTrust, onCancel }: Props) {
  const { signer } = inspection;
  return (
    <div className="dialog-backdrop" role="presentation">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="trust-title"
        data-testid="trust-dialog"
      >
        <h2 id="trust-title">A workstation this one has not seen before</h2>
        <p>
          This {inspection.kind} bundle was signed by another Concord workspace ({signer.actor}, exported{' '}
          {new Date(inspection.createdAt).toLocaleString()}). Its signature and every file in it check out.
        </p>
        <p>
          Fingerprint: <code data-testid="trust-fingerprint">{signer.fingerprint}</code>
        </p>
        <p className="muted">
          Compare it with the fingerprint on the sending workstation (Concord shows it when it exports).
          Trusting it is remembered: later bundles from that workstation import without asking.
        </p>
        <p className="muted">
          {inspection.cases.length} case(s), {inspection.revisions} revision(s)
          {inspection.assignedTo ? `, assigned to ${inspection.assignedTo}` : ''}.
        </p>
        <div className="profile-create">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={onTrust} data-testid="trust-accept">
            Trust and import
          </button>
        </div>
      </div>
    </div>
  );
}
