import { z } from 'zod';
export declare const windowNames: readonly ["hann", "hamming", "blackman", "rectangular", "boxcar"];
export type WindowName = (typeof windowNames)[number];
export declare const windowName: z.ZodDefault<z.ZodEnum<{
    hann: "hann";
    hamming: "hamming";
    blackman: "blackman";
    rectangular: "rectangular";
    boxcar: "boxcar";
}>>;
/**
 * The analysis window librosa uses: `scipy.signal.get_window(name, winLength, fftbins=True)` (periodic),
 * centred in a frame of nFft samples with zeros either side (`librosa.util.pad_center`, left pad
 * floor((nFft - winLength) / 2)). The returned array is cached and shared: do not write to it.
 */
export declare function getWindow(name: WindowName, winLength: number, nFft: number): Float64Array;
