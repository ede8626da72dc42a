import { createRequire } from 'node:module';

/** The package version: written into every manifest row and salted into every pipeline hash. */
export const BIRDCALL_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
