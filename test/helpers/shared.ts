import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file is test/helpers/shared.ts). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The checkout, also when Stryker runs the tests in its sandbox copy (`.stryker-tmp/sandbox-*` inside it). */
const CHECKOUT = ROOT.replace(/[\\/]\.stryker-tmp[\\/][^\\/]+$/, '');
/** `../shared` beside the checkout: real recordings and librosa fixtures, present for developers and CI. */
export const SHARED = resolve(CHECKOUT, '..', 'shared');
export const HAVE_SHARED = existsSync(join(SHARED, 'fixtures', 'index.json'));
export const BIRDCALLS = join(SHARED, 'data', 'birdcalls');
export const FIXTURES = join(SHARED, 'fixtures');

/** Reason printed once per run (test/helpers/global-setup.ts) when tests that need ../shared skip (a user's fresh clone). */
export const SHARED_SKIP_REASON = `../shared not found at ${SHARED}: skipping tests on real recordings and librosa fixtures`;
