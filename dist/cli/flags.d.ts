/** A flag's positive integer (undefined when the flag was not given); anything else is a usage error (exit 2). */
export declare function positiveInteger(text: string | undefined, flag: string): number | undefined;
