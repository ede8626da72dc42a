import { z } from 'zod';
/**
 * The training options, apart from the trainer so that reading them (CLI flags, --help, saved configs) does not
 * load TensorFlow.js: `birdcall --help` and every other command start without it.
 */
/** The model zoo's names (src/train/models.ts builds them). */
export declare const MODEL_NAMES: readonly ["tiny", "compact", "wide", "resnet", "strided"];
export type ModelName = (typeof MODEL_NAMES)[number];
export declare const MONITORS: readonly ["macroRocAuc", "top1", "paddedCmap", "rowwiseMicroF1", "loss", "last"];
export type Monitor = (typeof MONITORS)[number];
/**
 * Every training option, with its default. The same schema gives the CLI flags (`--batch-size`) and the
 * resolved config saved as train-config.json.
 */
export declare const trainParams: z.ZodObject<{
    model: z.ZodDefault<z.ZodEnum<{
        tiny: "tiny";
        compact: "compact";
        wide: "wide";
        resnet: "resnet";
        strided: "strided";
    }>>;
    epochs: z.ZodDefault<z.ZodNumber>;
    batchSize: z.ZodDefault<z.ZodNumber>;
    learningRate: z.ZodDefault<z.ZodNumber>;
    schedule: z.ZodDefault<z.ZodEnum<{
        constant: "constant";
        cosine: "cosine";
        step: "step";
    }>>;
    stepEpochs: z.ZodDefault<z.ZodNumber>;
    stepFactor: z.ZodDefault<z.ZodNumber>;
    seed: z.ZodDefault<z.ZodNumber>;
    focalGamma: z.ZodDefault<z.ZodNumber>;
    secondaryWeight: z.ZodDefault<z.ZodNumber>;
    balance: z.ZodDefault<z.ZodEnum<{
        none: "none";
        weights: "weights";
        oversample: "oversample";
    }>>;
    timeMasks: z.ZodDefault<z.ZodNumber>;
    timeMaskWidth: z.ZodDefault<z.ZodNumber>;
    freqMasks: z.ZodDefault<z.ZodNumber>;
    freqMaskWidth: z.ZodDefault<z.ZodNumber>;
    timeShift: z.ZodDefault<z.ZodNumber>;
    gain: z.ZodDefault<z.ZodNumber>;
    mixupAlpha: z.ZodDefault<z.ZodNumber>;
    mixupProbability: z.ZodDefault<z.ZodNumber>;
    monitor: z.ZodDefault<z.ZodEnum<{
        last: "last";
        rowwiseMicroF1: "rowwiseMicroF1";
        paddedCmap: "paddedCmap";
        macroRocAuc: "macroRocAuc";
        top1: "top1";
        loss: "loss";
    }>>;
    patience: z.ZodDefault<z.ZodNumber>;
    validationFraction: z.ZodDefault<z.ZodNumber>;
    threads: z.ZodDefault<z.ZodNumber>;
    groupBy: z.ZodOptional<z.ZodString>;
}, z.core.$strip>;
export type TrainParams = z.output<typeof trainParams>;
export type TrainParamsInput = z.input<typeof trainParams>;
export declare function resolveTrainParams(raw: TrainParamsInput | undefined): TrainParams;
