import type { Audio, MultiChannelAudio } from './types.ts';
/**
 * Writes the channel mean of the first `frames` samples of `channels` into `out`, rounding to float32 after
 * every addition: numpy's float32 mean over channels (librosa.to_mono) accumulates that way, so the result
 * is bit-identical to librosa's for the channel counts field recorders produce (fewer than 8).
 */
export declare function mixToMono(channels: Float32Array[], out: Float32Array, frames: number): void;
/** Channel mean, as librosa's mono=True. A 1-channel input is returned without copying its samples. */
export declare function toMono(a: MultiChannelAudio): Audio;
