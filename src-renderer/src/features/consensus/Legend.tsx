// The agreement overlay's legend: discrete swatches (votes) or a gradient bar with its ends (probability,
// entropy), from the same tables that colour the overlay (agreementColours.ts).
import type { Legend } from './agreementColours';

export function AgreementLegend({ legend }: { legend: Legend }) {
  return (
    <figure className="cs-legend" data-testid="agreement-legend">
      <figcaption>{legend.title}</figcaption>
      {legend.gradient ? (
        <>
          <div className="cs-gradient" style={{ background: legend.gradient }} />
          <div className="cs-gradient-ticks">
            {legend.entries.map((e) => (
              <span key={e.text}>{e.text}</span>
            ))}
          </div>
        </>
      ) : (
        <ul>
          {legend.entries.map((e) => (
            <li key={e.text}>
              <span className="cs-swatch" style={{ background: e.color }} /> {e.text}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
