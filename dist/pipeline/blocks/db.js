import { dbParams, powerToDb } from "../../dsp/db.js";
import { defineBlock } from "../block.js";
/**
 * As librosa.power_to_db, except that `ref` defaults to 'max' (librosa's function defaults to 1.0): a
 * pipeline almost always wants 0 dB at the loudest cell of each chunk, as `power_to_db(S, ref=np.max)`.
 */
export const dbBlockParams = dbParams.extend({
    ref: dbParams.shape.ref
        .unwrap()
        .default('max')
        .describe("reference power for 0 dB: 'max' (the spectrogram's maximum, as ref=np.max) or a number in power units"),
});
export const dbBlock = defineBlock({
    name: 'db',
    doc: "Power spectrogram to dB, librosa.power_to_db (ref 'max' by default, amin 1e-10, topDb 80).",
    input: 'spectrogram',
    output: 'spectrogram',
    params: dbBlockParams,
    run: (spec, p) => powerToDb(spec, p),
});
//# sourceMappingURL=db.js.map