import { z } from 'zod';
import { parseParams } from '../params.ts';

/**
 * The training options, apart from the trainer so that reading them (CLI flags, --help, saved configs) does not
 * load TensorFlow.js: `birdcall --help` and every other command start without it.
 */

/** The model zoo's names (src/train/models.ts builds them). */
export const MODEL_NAMES = ['tiny', 'compact', 'wide', 'resnet', 'strided'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const MONITORS = ['macroRocAuc', 'top1', 'paddedCmap', 'rowwiseMicroF1', 'loss', 'last'] as const;
export type Monitor = (typeof MONITORS)[number];

/**
 * Every training option, with its default. The same schema gives the CLI flags (`--batch-size`) and the
 * resolved config saved as train-config.json.
 */
export const trainParams = z.object({
  model: z.enum(MODEL_NAMES).default('compact').describe(`architecture from the zoo (${MODEL_NAMES.join(', ')})`),
  epochs: z.number().int().min(1).default(30).describe('maximum passes over the training set'),
  batchSize: z.number().int().min(1).default(16).describe('examples per optimiser step'),
  learningRate: z.number().positive().default(1e-3).describe('Adam step size at the start of the schedule'),
  schedule: z.enum(['constant', 'cosine', 'step']).default('cosine').describe('learning-rate schedule: cosine decays to 1% of learningRate by the last epoch'),
  stepEpochs: z.number().int().min(1).default(10).describe('step schedule: epochs between decays'),
  stepFactor: z.number().positive().max(1).default(0.1).describe('step schedule: learning-rate multiplier at each decay'),
  seed: z.number().int().min(0).default(0).describe('seed for initial weights, split, shuffling and augmentation (repeatable on one backend)'),
  focalGamma: z.number().min(0).default(0).describe('focal loss exponent; 0 gives plain binary cross-entropy'),
  secondaryWeight: z.number().min(0).max(1).default(1).describe('training target for secondary (background) species, 0..1'),
  balance: z.enum(['none', 'weights', 'oversample']).default('none').describe('class balancing by primary label: inverse-frequency loss weights, or oversampling rare classes'),
  timeMasks: z.number().int().min(0).default(2).describe('SpecAugment: time masks per example'),
  timeMaskWidth: z.number().min(0).max(1).default(0.1).describe('SpecAugment: maximum width of each time mask, fraction of the frames'),
  freqMasks: z.number().int().min(0).default(2).describe('SpecAugment: frequency masks per example'),
  freqMaskWidth: z.number().min(0).max(1).default(0.1).describe('SpecAugment: maximum height of each frequency mask, fraction of the bins'),
  timeShift: z.number().min(0).max(1).default(0.25).describe('random circular shift in time, up to this fraction of the frames either way'),
  gain: z.number().min(0).default(0.05).describe('random brightness offset up to this much either way, in image units (pixels are linear in dB, so this is a gain)'),
  mixupAlpha: z.number().min(0).default(0.4).describe('mixup Beta(alpha, alpha) parameter; 0 turns mixup off'),
  mixupProbability: z.number().min(0).max(1).default(0.5).describe('fraction of examples mixed with another of the batch'),
  mixupTarget: z.enum(['union', 'blend']).default('union').describe("mixup's target: the union of both label sets, or the labels blended with the images' weights"),
  mixupPairs: z.enum(['any', 'same-label']).default('any').describe('mixup partners: any example of the batch, or only one with the same primary label (a chunk mixed with another recording of its species)'),
  monitor: z.enum(MONITORS).default('macroRocAuc').describe("validation metric for early stopping and the best epoch; 'last' keeps the final epoch's weights (validation is still reported)"),
  patience: z.number().int().min(0).default(8).describe('epochs without improvement before stopping early; 0 never stops early'),
  validationFraction: z
    .number()
    .min(0)
    .lt(1)
    .default(0.2)
    .describe('fraction of recordings (or groups) held out per primary label; 0 trains on all of them (no validation: the lowest-training-loss epoch is kept)'),
  threads: z
    .number()
    .int()
    .min(1)
    .max(16)
    .default(1)
    .describe('threads sharing each batch (data-parallel; batchnorm statistics and gradients are summed across them, so results equal one thread up to float rounding)'),
  groupBy: z.string().optional().describe('metadata column (e.g. recordist, site) whose rows never straddle the split'),
});
export type TrainParams = z.output<typeof trainParams>;
export type TrainParamsInput = z.input<typeof trainParams>;

/**
 * Every training option, defaults filled in and checked (the table with units: [trainParams](parameters.md#trainparams)).
 *
 * @param raw - the options given (camelCase), or undefined for all defaults.
 * @returns the complete options, as saved in train-config.json.
 * @throws UsageError naming the option that is out of range or unknown.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { resolveTrainParams } from 'birdcall/train';
 *
 * const params = resolveTrainParams({ model: 'tiny', epochs: 5 });
 * assert.equal(params.batchSize, 16); // the default
 * assert.equal(params.learningRate, 1e-3);
 * assert.throws(() => resolveTrainParams({ epochs: 0 }), /epochs/);
 * ```
 */
export function resolveTrainParams(raw: TrainParamsInput | undefined): TrainParams {
  return parseParams(trainParams, raw ?? {}, 'train', { usage: true });
}
