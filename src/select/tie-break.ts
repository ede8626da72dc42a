/**
 * The tie-break rule, the last word whenever criteria leave candidates tied: the higher main-metric point
 * estimate (even when the difference is within noise, it is the best guess there is), then the name that
 * sorts first (code-point order). It looks only at the candidates themselves, never at the order they were
 * given in, so listing the same candidates in another order gives the same choice and the same words.
 */
export const TIE_BREAK_RULE = 'the higher main-metric estimate, then the name that sorts first';

/** Comparator for sort(): negative when candidate a (main value ma, name na) ranks before b. */
export function byMainThenName(ma: number, mb: number, na: string, nb: string): number {
  const finite = (x: number): number => (Number.isNaN(x) ? -Infinity : x);
  const d = finite(mb) - finite(ma);
  if (d !== 0 && !Number.isNaN(d)) return d;
  return na < nb ? -1 : na > nb ? 1 : 0;
}
