/** Model selection among candidates that tie on the main metric: bootstrap, criteria, rule, report. */
export { selectModels } from "./select.js";
export { renderReport } from "./report.js";
export { writeSelection, summarize } from "./write.js";
export { explain } from "./explain.js";
export { mulberry32, resampleWeights, percentileInterval } from "./bootstrap.js";
export { SelectOptionsSchema, DEFAULT_ORDER, MAIN_METRICS, CRITERIA, } from "./types.js";
//# sourceMappingURL=index.js.map