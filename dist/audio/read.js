import { readFile, stat } from 'node:fs/promises';
import { BirdcallError } from "../errors.js";
import { decodeAudio } from "./decode.js";
import { toMono } from "./mono.js";
/**
 * Reads an audio file whole (WAV, FLAC, Ogg Vorbis or MP3, picked by content) and returns its mono samples
 * (librosa.load(path, sr=None, mono=True)).
 */
export async function readAudioFile(path, opts = {}) {
    let bytes;
    try {
        if (opts.maxBytes !== undefined) {
            const { size } = await stat(path);
            if (size > opts.maxBytes) {
                throw new BirdcallError('FILE_TOO_LARGE', `file is ${size} bytes, over the limit of ${opts.maxBytes}`, path);
            }
        }
        bytes = await readFile(path);
    }
    catch (err) {
        if (err instanceof BirdcallError)
            throw err;
        throw new BirdcallError('FILE_UNREADABLE', `cannot read: ${err.message}`, path);
    }
    return toMono(await decodeAudio(bytes, path, opts));
}
//# sourceMappingURL=read.js.map