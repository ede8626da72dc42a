/**
 * Every failure a user can cause (a bad file, a bad parameter, a path outside its root) is a BirdcallError:
 * it names the file (when there is one) and the reason, and carries a stable machine-readable code so that
 * batch runs can write it to an errors file and the CLI can choose an exit code.
 */
export class BirdcallError extends Error {
    code;
    reason;
    file;
    constructor(
    /** Stable code, e.g. 'WAV_NOT_RIFF', 'PARAM_INVALID', 'PATH_ESCAPE'. */
    code, 
    /** The reason, in plain words, without the file name. */
    reason, 
    /** The file the error is about, when there is one. */
    file) {
        super(file ? `${file}: ${reason}` : reason);
        this.code = code;
        this.reason = reason;
        this.file = file;
        this.name = 'BirdcallError';
    }
}
/** A user error in how a command or block was called (bad flag, bad parameter): CLI exit code 2. */
export class UsageError extends BirdcallError {
    constructor(reason, file) {
        super('USAGE', reason, file);
        this.name = 'UsageError';
    }
}
//# sourceMappingURL=errors.js.map