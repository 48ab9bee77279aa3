// The recipe's switches in a training run's Advanced section, each on by default (run-config.ts): the
// moving average of the weights, test-time flips where they pay, the drafts' threshold chosen on validation,
// keeping the best validated epoch, the coordinate planes, and the refit on every case (one network). A
// switch the run needs on (the refit of a semi-supervised run) is shown on and locked, saying why.
export interface Recipe {
  ema: boolean;
  tta: boolean;
  calibrateThreshold: boolean;
  keepBest: boolean;
  coordinates: boolean;
  refit: boolean;
}

export const RECIPE_KEYS = [
  'ema',
  'tta',
  'calibrateThreshold',
  'keepBest',
  'coordinates',
  'refit',
] as const satisfies readonly (keyof Recipe)[];

export const DEFAULT_RECIPE: Recipe = {
  ema: true,
  tta: true,
  calibrateThreshold: true,
  keepBest: true,
  coordinates: true,
  refit: true,
};

const CHECKS: { key: keyof Recipe; label: string; hint: string }[] = [
  {
    key: 'ema',
    label: 'Average the weights',
    hint: 'validate and keep a moving average of the weights (decay 0.99 a step), with a constant learning rate',
  },
  {
    key: 'tta',
    label: 'Test-time flips where they pay',
    hint: "validate the kept model with the slices' 4 flips averaged; its drafts use them when they scored higher",
  },
  {
    key: 'calibrateThreshold',
    label: 'Threshold chosen on validation',
    hint: "one label: the drafts' probability threshold is the one (0.3 to 0.9) scoring best on the validation cases (else the target's own, 0.5 or the raters' majority's)",
  },
  {
    key: 'keepBest',
    label: 'Keep the best epoch',
    hint: 'store the epoch with the highest validation Dice (else the last)',
  },
  {
    key: 'coordinates',
    label: 'Coordinate planes',
    hint: "two more input planes with each pixel's place on its slice, so the network can learn where structures lie (a base model keeps its own input)",
  },
  {
    key: 'refit',
    label: 'Train again on every case',
    hint: 'after validation has chosen the epoch, threshold and flips, train the network again on every case (validation ones too) and store that one: about twice the training (one network; an ensemble does not refit)',
  },
];

interface Props {
  value: Recipe;
  onChange(r: Recipe): void;
  /** Switches the run needs on, with why (shown on and disabled, whatever `value` says). */
  locked?: Partial<Record<keyof Recipe, string>>;
}

export function RecipeChecks({ value, onChange, locked = {} }: Props) {
  return (
    <div className="train-recipe">
      {CHECKS.map((c) => (
        <label key={c.key} className="check" title={locked[c.key] ?? c.hint}>
          <input
            type="checkbox"
            data-testid={`train-${c.key}`}
            checked={locked[c.key] !== undefined || value[c.key]}
            disabled={locked[c.key] !== undefined}
            onChange={(e) => onChange({ ...value, [c.key]: e.target.checked })}
          />
          {c.label}
        </label>
      ))}
    </div>
  );
}
