import { BirdcallError } from '../errors.ts';
import type { InputRow } from './manifest-types.ts';
/**
 * The three input layouts `birdcall convert` reads, detected from what INPUT is:
 *  - 'folder': every audio file (*.wav, *.flac, *.ogg, *.mp3) below a folder; the label is the name of the folder holding the file (Kaggle's
 *    `train_audio/<label>/<file>`).
 *  - 'birdclef': BirdCLEF/Kaggle `train_metadata.csv` (`primary_label`, `filename`, Python-list
 *    `secondary_labels`); audio in `train_audio/` beside the CSV.
 *  - 'birdcalls': the layout of ../shared/data/birdcalls/manifest.csv (`path` relative to the CSV,
 *    space-separated `secondary_labels`).
 * Rows are streamed, so a manifest of 100k rows costs one row of memory at a time.
 */
export type InputLayout = 'folder' | 'birdclef' | 'birdcalls';
export interface ReadInputsOptions {
    /**
     * Called for a row whose path is unusable (absolute, climbing out of the root, empty), with the error and
     * the path as written. The row is skipped. Without it, such a row throws and ends the stream.
     */
    onInvalidRow?: (error: BirdcallError, rawPath: string) => void;
}
export interface InputSource {
    layout: InputLayout;
    /** Absolute folder every row's `path` is relative to; nothing outside it may be read. */
    root: string;
    /** What the user gave, for messages. */
    input: string;
    rows(options?: ReadInputsOptions): AsyncIterable<InputRow>;
    /** Number of rows (a second cheap pass over the CSV or folder; no audio is read), for progress and ETA. */
    count(): Promise<number>;
}
/** Opens INPUT (a folder or a CSV), detects its layout and returns a streaming row source. */
export declare function openInputs(input: string): Promise<InputSource>;
/** Streams the rows of INPUT (folder or CSV), whatever its layout. */
export declare function readInputs(input: string, options?: ReadInputsOptions): AsyncIterable<InputRow>;
/**
 * Parses a label list in any spelling a manifest uses: a Python list (`"['amecro', 'amerob']"`, `[]`), or
 * labels separated by spaces, commas or semicolons. Order kept, duplicates and empties dropped.
 */
export declare function parseLabelList(text: string | undefined): string[];
/** Layout from the CSV header: `filename` + `primary_label` is BirdCLEF, `path` is the birdcalls manifest. */
export declare function detectCsvLayout(columns: string[], input: string): 'birdclef' | 'birdcalls';
