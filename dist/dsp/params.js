import { BirdcallError } from "../errors.js";
/**
 * Parse user parameters with a schema and turn a zod failure into a BirdcallError('PARAM_INVALID'), so
 * callers (blocks, CLI) see one error type whatever layer the bad value came through.
 */
export function parseParams(schema, input, what) {
    const result = schema.safeParse(input ?? {});
    if (result.success)
        return result.data;
    const problems = result.error.issues
        .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : what}: ${issue.message}`)
        .join('; ');
    throw new BirdcallError('PARAM_INVALID', `invalid ${what} parameters: ${problems}`);
}
/** Throw the stable parameter error with a plain reason. */
export function paramError(reason) {
    throw new BirdcallError('PARAM_INVALID', reason);
}
//# sourceMappingURL=params.js.map