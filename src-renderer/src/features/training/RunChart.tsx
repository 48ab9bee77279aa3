// The live chart of a run: training loss per epoch (left axis, blue) and validation Dice per epoch (right
// axis 0..1, green), drawn as SVG from chartGeometry.ts. data-points tells tests how many epochs are drawn.
import type { ChartPoint } from './chartGeometry';
import { chartGeometry } from './chartGeometry';
import { labelDiceText } from './recipeText';
import { formatMetric } from './runFormat';

const BOX = { width: 360, height: 170, left: 40, right: 34, top: 10, bottom: 24 };

interface Props {
  points: ChartPoint[];
  epochs: number;
}

export function RunChart({ points, epochs }: Props) {
  const g = chartGeometry(points, epochs, BOX);
  const { x0, x1, y0, y1 } = g.plot;
  const last = points.at(-1);
  // Several labels: the last epoch's Dice of each (the run's Dice is their mean).
  const perLabel = labelDiceText(last?.labelDice, null);
  return (
    <figure className="run-chart" data-testid="run-chart" data-points={g.lossDots.length}>
      <svg
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        role="img"
        aria-label={`Loss and validation Dice over ${points.length} epoch(s)`}
      >
        <rect x={x0} y={y1} width={x1 - x0} height={y0 - y1} className="plot" />
        {[0.25, 0.5, 0.75].map((f) => (
          <line key={f} x1={x0} x2={x1} y1={y0 - f * (y0 - y1)} y2={y0 - f * (y0 - y1)} className="grid" />
        ))}
        {/* Loss axis (left): 0 .. lossMax. */}
        <text x={x0 - 4} y={y1 + 4} className="axis loss" textAnchor="end">
          {g.lossMax}
        </text>
        <text x={x0 - 4} y={y0} className="axis loss" textAnchor="end">
          0
        </text>
        {/* Dice axis (right): 0 .. 1. */}
        <text x={x1 + 4} y={y1 + 4} className="axis dice">
          1
        </text>
        <text x={x1 + 4} y={y0} className="axis dice">
          0
        </text>
        {g.xTicks.map((t) => (
          <text key={t.epoch} x={t.x} y={y0 + 14} className="axis" textAnchor="middle">
            {t.epoch}
          </text>
        ))}
        <path d={g.lossPath} className="line loss" data-testid="chart-loss" />
        <path d={g.dicePath} className="line dice" data-testid="chart-dice" />
        {g.lossDots.map((d) => (
          <circle key={`l${d.epoch}`} cx={d.x} cy={d.y} r={2.5} className="dot loss">
            <title>{`epoch ${d.epoch}: loss ${formatMetric(d.value)}`}</title>
          </circle>
        ))}
        {g.diceDots.map((d) => (
          <circle key={`d${d.epoch}`} cx={d.x} cy={d.y} r={2.5} className="dot dice">
            <title>{`epoch ${d.epoch}: validation Dice ${formatMetric(d.value)}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption>
        <span className="key loss">■ loss {formatMetric(last?.loss)}</span>
        <span className="key dice" data-testid="chart-dice-key">
          ■ validation Dice {formatMetric(last?.validationDice)}
          {perLabel ? ` (${perLabel})` : ''}
        </span>
        <span className="muted">epoch →</span>
      </figcaption>
    </figure>
  );
}
