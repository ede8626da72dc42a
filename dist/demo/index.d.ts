/** The project's own demo data: a deterministic synthetic bird-song generator in the BirdCLEF layout. */
export { generateDemoDataset, planDemoDataset, metadataRow, demoDatasetOptions, METADATA_COLUMNS, DEMO_LICENSE } from './dataset.ts';
export type { DemoDatasetOptions, DemoDatasetResult } from './dataset.ts';
export { planRecording, synthesizeRecording, MAX_PRIMARY_SPACING_SECONDS, MAX_PEAK } from './recording.ts';
export type { RecordingPlan, SynthesizedRecording, RecordingOptions } from './recording.ts';
export { SPECIES, speciesByCode, MAX_PHRASE_SECONDS } from './species.ts';
export type { Species, Variation } from './species.ts';
export { REGIONS, RECORDISTS, SNR_DB_BY_RATING, ratingForSnr, pythonList } from './metadata.ts';
export { createRng, deriveSeed, mulberry32 } from './prng.ts';
export type { DemoRng } from './prng.ts';
