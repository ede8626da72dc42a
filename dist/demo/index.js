/** The project's own demo data: a deterministic synthetic bird-song generator in the BirdCLEF layout. */
export { generateDemoDataset, planDemoDataset, metadataRow, demoDatasetOptions, METADATA_COLUMNS, DEMO_LICENSE } from "./dataset.js";
export { planRecording, synthesizeRecording, MAX_PRIMARY_SPACING_SECONDS, MAX_PEAK } from "./recording.js";
export { SPECIES, speciesByCode, MAX_PHRASE_SECONDS } from "./species.js";
export { REGIONS, RECORDISTS, SNR_DB_BY_RATING, ratingForSnr, pythonList } from "./metadata.js";
export { createRng, deriveSeed, mulberry32 } from "./prng.js";
//# sourceMappingURL=index.js.map