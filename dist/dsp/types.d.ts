/**
 * A spectrogram stored row-major [bins, frames] like librosa, so writing a .npy is one copy.
 * `values[b * frames + t]` is bin b at frame t.
 */
export interface Spectrogram {
    values: Float32Array | Float64Array;
    bins: number;
    frames: number;
    axis: 'linear' | 'mel';
    scale: 'power' | 'magnitude' | 'db';
    sampleRate: number;
    hopLength: number;
    /** The parameters that made it (for lineage and for image metadata). */
    params: Record<string, unknown>;
}
