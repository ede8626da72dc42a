/**
 * Every failure a user can cause (a bad file, a bad parameter, a path outside its root) is a BirdcallError:
 * it names the file (when there is one) and the reason, and carries a stable machine-readable code so that
 * batch runs can write it to an errors file and the CLI can choose an exit code.
 */
export declare class BirdcallError extends Error {
    /** Stable code, e.g. 'WAV_NOT_RIFF', 'PARAM_INVALID', 'PATH_ESCAPE'. */
    readonly code: string;
    /** The reason, in plain words, without the file name. */
    readonly reason: string;
    /** The file the error is about, when there is one. */
    readonly file?: string | undefined;
    constructor(
    /** Stable code, e.g. 'WAV_NOT_RIFF', 'PARAM_INVALID', 'PATH_ESCAPE'. */
    code: string, 
    /** The reason, in plain words, without the file name. */
    reason: string, 
    /** The file the error is about, when there is one. */
    file?: string | undefined);
}
/** A user error in how a command or block was called (bad flag, bad parameter): CLI exit code 2. */
export declare class UsageError extends BirdcallError {
    constructor(reason: string, file?: string);
}
