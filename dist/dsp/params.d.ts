import type { z } from 'zod';
/**
 * Parse user parameters with a schema and turn a zod failure into a BirdcallError('PARAM_INVALID'), so
 * callers (blocks, CLI) see one error type whatever layer the bad value came through.
 */
export declare function parseParams<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S>;
/** Throw the stable parameter error with a plain reason. */
export declare function paramError(reason: string): never;
