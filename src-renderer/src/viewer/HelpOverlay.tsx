// The "?" overlay: every keyboard and mouse binding, from the same tables the handlers use (the app's own
// shortcuts, which the app handles, come in as `appKeys`).

import { EDIT_KEY_HELP, EDIT_MOUSE_HELP } from './editing/editKeys';
import { KEY_HELP, MOUSE_HELP } from './keyBindings';
import type { KeyHelpRow } from './keyEvents';
import { MEASURE_KEY_HELP } from './measure/measureKeys';
import { REVIEW_KEY_HELP } from './reviewKeys';

export function HelpOverlay({ appKeys, onClose }: { appKeys: readonly KeyHelpRow[]; onClose(): void }) {
  return (
    <div className="cv-help-backdrop" data-testid="viewer-help" onClick={onClose}>
      <div
        className="cv-help"
        role="dialog"
        aria-label="Viewer shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>Viewer shortcuts</h2>
          <button type="button" className="cv-icon-button" onClick={onClose} aria-label="Close help">
            ✕
          </button>
        </header>
        <div className="cv-help-columns">
          <table>
            <caption>Keyboard</caption>
            <tbody>
              {[...appKeys, ...KEY_HELP].map((r) => (
                <tr key={r.keys}>
                  <th>{r.keys}</th>
                  <td>{r.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>Mouse</caption>
            <tbody>
              {MOUSE_HELP.map((r) => (
                <tr key={r.keys}>
                  <th>{r.keys}</th>
                  <td>{r.what}</td>
                </tr>
              ))}
              {EDIT_MOUSE_HELP.map((r) => (
                <tr key={r.keys}>
                  <th>{r.keys}</th>
                  <td>{r.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table data-testid="help-labelling">
            <caption>Labelling</caption>
            <tbody>
              {EDIT_KEY_HELP.map((r) => (
                <tr key={r.keys}>
                  <th>{r.keys}</th>
                  <td>{r.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table data-testid="help-measure">
            <caption>Measurements</caption>
            <tbody>
              {MEASURE_KEY_HELP.map((r) => (
                <tr key={r.keys}>
                  <th>{r.keys}</th>
                  <td>{r.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table data-testid="help-review">
            <caption>Review (consensus)</caption>
            <tbody>
              {REVIEW_KEY_HELP.map((r) => (
                <tr key={r.keys}>
                  <th>{r.keys}</th>
                  <td>{r.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="cv-help-note">
          Slice views are radiological: the patient&apos;s left is on the screen&apos;s right. Letters at the
          edges give the true patient direction of each screen axis. Arrow up / wheel up move toward Superior
          (axial), Anterior (coronal) and Left (sagittal).
        </p>
      </div>
    </div>
  );
}
