// A JSON import rather than require(): the pipeline worker's esbuild bundle inlines it, where a path
// relative to import.meta.url would point into the bundle cache.
import packageJson from '../../package.json' with { type: 'json' };
/** The package version: written into every manifest row and salted into every pipeline hash. */
export const BIRDCALL_VERSION = packageJson.version;
//# sourceMappingURL=version.js.map