import { HAVE_SHARED, SHARED_SKIP_REASON } from './shared.ts';

/** Once per `vitest run` (not once per test file): the tests on real recordings and fixtures will skip. */
export default function setup(): void {
  if (!HAVE_SHARED) console.warn(SHARED_SKIP_REASON);
}
