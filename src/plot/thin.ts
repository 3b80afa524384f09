/**
 * Thinning a long series for a chart: a curve of 100,000 points drawn 420 pixels wide shows no more
 * than one with a few thousand, but costs megabytes in the notebook. Min/max per bucket keeps what
 * the eye looks for in a loss curve (spikes, the envelope of noisy mini-batch losses, a divergence):
 *
 *   split the indices 0 … n−1 into B = ⌊(maxPoints − 2)/2⌋ buckets of consecutive points; keep, in index
 *   order, the point of smallest y and the point of largest y of each bucket (once if they coincide),
 *   and always the first and the last point.
 *
 * So at most maxPoints points remain, every local extreme wider than a bucket survives, and
 * the kept points are original points (no averaging, no invented values).
 */

/** The indices kept by min/max thinning of y (length n) to about maxPoints; all of them if n ≤ maxPoints. */
export function thinMinMax(y: ArrayLike<number>, maxPoints: number): number[] {
  const n = y.length;
  if (!(Number.isInteger(maxPoints) && maxPoints >= 4))
    throw new RangeError(`thinMinMax: maxPoints must be a whole number ≥ 4, got ${maxPoints}`);
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.floor((maxPoints - 2) / 2); // two points a bucket, plus the first and the last
  const keep: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets); // bucket b holds lo … hi−1
    let iMin = lo;
    let iMax = lo;
    for (let i = lo + 1; i < hi; i++) {
      if (y[i] < y[iMin]) iMin = i;
      if (y[i] > y[iMax]) iMax = i;
    }
    const first = Math.min(iMin, iMax);
    const second = Math.max(iMin, iMax);
    if (first > keep[keep.length - 1]) keep.push(first);
    if (second > keep[keep.length - 1]) keep.push(second);
  }
  if (keep[keep.length - 1] !== n - 1) keep.push(n - 1);
  return keep;
}
