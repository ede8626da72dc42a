import { z } from 'zod';
export declare const decodeParams: z.ZodObject<{
    maxSeconds: z.ZodOptional<z.ZodNumber>;
}, z.core.$strip>;
export declare const decodeBlock: import("../block.ts").Block<"file", "audio", z.ZodObject<{
    maxSeconds: z.ZodOptional<z.ZodNumber>;
}, z.core.$strip>>;
