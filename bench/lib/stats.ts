/** Small order statistics for a handful of rounds. */

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear interpolation between the closest ranks; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[high] ?? Number.NaN;
  return a + (b - a) * (position - low);
}

export function min(values: readonly number[]): number {
  return Math.min(...values.filter((v) => Number.isFinite(v)));
}

export function max(values: readonly number[]): number {
  return Math.max(...values.filter((v) => Number.isFinite(v)));
}

/** (max - min) / median, as a fraction: how far apart the rounds were. */
export function relativeRange(values: readonly number[]): number {
  return (max(values) - min(values)) / median(values);
}
