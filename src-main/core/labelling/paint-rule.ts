// Which voxels a tool may change, and to what: every tool writes the active label (or erases it), and either
// paints over other labels or protects them.

export interface PaintRule {
  /** The active label, 1..255. */
  label: number;
  /** Erase (write 0) instead of painting the label. */
  erase: boolean;
  /** Leave voxels of other labels alone (painting changes only background; erasing only the active label). */
  protect: boolean;
}

/**
 * The label a voxel that holds `old` gets under the rule, or -1 when it must not change:
 *  paint:  protect -> only background (0) becomes the label; otherwise every voxel does;
 *  erase:  protect -> only the active label becomes 0; otherwise every labelled voxel does.
 */
export function ruleTarget(rule: PaintRule, old: number): number {
  if (rule.erase) {
    if (old === 0) return -1;
    if (rule.protect && old !== rule.label) return -1;
    return 0;
  }
  if (old === rule.label) return -1;
  if (rule.protect && old !== 0) return -1;
  return rule.label;
}

export function checkLabel(label: number): void {
  if (!Number.isInteger(label) || label < 1 || label > 255) {
    throw new RangeError(`label must be an integer 1..255 (got ${label})`);
  }
}
