/** The output formats of `birdcall predict` (writers in this folder; the archive run in src/train). */
export const OUTPUT_FORMATS = ['csv', 'birdclef', 'raven', 'audacity'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
