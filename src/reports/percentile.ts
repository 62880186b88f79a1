/** Count, median and 90th percentile of a sample. */
export interface Distribution {
  count: number;
  median: number | null;
  p90: number | null;
}

/**
 * Nearest-rank percentile (the smallest value with at least p % of the sample at or below it): always
 * a value that occurred, so "90 % of incidents were contained within X" is literally true.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** Median and p90 of unsorted values (the array is not modified). */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 50), p90: percentile(sorted, 90) };
}
