/**
 * One entry point for every audio format we read: the content decides the decoder (magic bytes, see
 * detect.ts), the file name only decides whether to warn. A BirdCLEF `.ogg` that is really WAV, or a `.wav`
 * that is really MP3, is read as what it is.
 */
import { BirdcallError } from "../errors.js";
import { detectAudioFormat, formatFromExtension } from "./detect.js";
import { decodeWav } from "./wav.js";
import { decodeFlac } from "./flac.js";
import { decodeOggVorbis } from "./ogg.js";
import { decodeMp3 } from "./mp3.js";
const NAMES = { wav: 'WAV', flac: 'FLAC', ogg: 'Ogg', mp3: 'MP3' };
/**
 * Decodes WAV, FLAC, Ogg Vorbis or MP3 bytes to float samples per channel with their sample rate (mono
 * happens in toMono). `source` names the file in errors and warnings; its extension is compared with the
 * content. Every failure is a BirdcallError: the format's own codes (WAV_*, FLAC_*, OGG_*, MP3_*),
 * AUDIO_UNSUPPORTED_FORMAT for audio we recognise but do not decode (Opus, AAC, AIFF...), or
 * AUDIO_UNKNOWN_FORMAT for content that is none of them.
 */
export async function decodeAudio(bytes, source, opts = {}) {
    const guess = detectAudioFormat(bytes);
    const byName = formatFromExtension(source);
    if (!guess.format) {
        if (guess.known) {
            throw new BirdcallError('AUDIO_UNSUPPORTED_FORMAT', `content is ${guess.name}, which is not supported: convert it to FLAC, Ogg Vorbis, MP3 or WAV (e.g. ffmpeg -i in out.flac)`, source);
        }
        // No signature at all: a damaged header, or an MP3 with junk before its first frame. The decoder the
        // extension names says precisely what is wrong (or, for MP3, finds the frames further on).
        if (byName !== undefined)
            return decodeAs(byName, bytes, source, opts);
        throw new BirdcallError('AUDIO_UNKNOWN_FORMAT', `content is ${guess.name}, not WAV, FLAC, Ogg Vorbis or MP3`, source);
    }
    if (byName !== undefined && byName !== guess.format) {
        opts.onWarning?.(`the extension says ${NAMES[byName]} but the content is ${guess.name}; reading it as ${NAMES[guess.format]}`);
    }
    return decodeAs(guess.format, bytes, source, opts);
}
async function decodeAs(format, bytes, source, opts) {
    switch (format) {
        case 'wav':
            return decodeWav(bytes, source, opts);
        case 'flac':
            return decodeFlac(bytes, source, opts);
        case 'ogg':
            return decodeOggVorbis(bytes, source, opts);
        case 'mp3':
            return decodeMp3(bytes, source, opts);
    }
}
//# sourceMappingURL=decode.js.map