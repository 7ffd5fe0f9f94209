/**
 * "Did you mean" for mistyped names: options now, config-file keys later.
 */

/**
 * The known name closest to `input`, if one is close enough to be a typo: a swapped pair of
 * letters, a dropped or extra letter, `_` for `-`, or a difference in case.
 *
 * @example
 * closestName('--wrokers', ['--workers', '--timeout']); // '--workers'
 * closestName('--colour', ['--workers']); // undefined
 */
export function closestName(input: string, known: readonly string[]): string | undefined {
  const lowered = input.toLowerCase();
  const limit = lowered.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Optimal string alignment distance: Levenshtein plus the transposition of two neighbours, the
 * commonest typing slip, counted as one edit.
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, rows[i - 2]![j - 2]! + 1);
      }
      row.push(distance);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
