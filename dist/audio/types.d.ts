/** Decoded audio: mono after the mono block. Samples are float in [-1, 1) scaled as libsndfile does. */
export interface Audio {
    samples: Float32Array;
    /** Samples per second. */
    sampleRate: number;
    /** Where the samples came from (a path, or a name for generated audio). */
    source: string;
}
/** Multi-channel audio as decoded, before the mono block: one Float32Array per channel. */
export interface MultiChannelAudio {
    channels: Float32Array[];
    sampleRate: number;
    source: string;
}
/** A fixed-length window of a recording; knows where it sits in the source. */
export interface Chunk extends Audio {
    index: number;
    startSeconds: number;
    endSeconds: number;
}
