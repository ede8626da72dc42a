import * as tf from '@tensorflow/tfjs';
import type { InputShape } from './dataset.ts';
import { type ModelName } from './params.ts';
/**
 * The model zoo. All are plain CNNs over a [bins, frames, 1] spectrogram ending in global average pooling
 * (so any input size works) and one sigmoid per class (multi-label: several species can call at once).
 * No dropout layers: tfjs's Dropout either repeats one mask every step (seeded) or breaks repeatability
 * (unseeded); augmentation and batchnorm regularise instead.
 */
export { MODEL_NAMES, type ModelName } from './params.ts';
export declare const MODEL_DOCS: Record<ModelName, string>;
export interface ModelOptions {
    name: ModelName;
    inputShape: InputShape;
    classes: number;
    /** Seeds every initialiser, so the same seed gives the same starting weights. */
    seed: number;
}
export declare function buildModel(options: ModelOptions): tf.LayersModel;
