import { z } from 'zod';
export declare const npyParams: z.ZodObject<{
    dtype: z.ZodDefault<z.ZodEnum<{
        float32: "float32";
        float64: "float64";
    }>>;
}, z.core.$strip>;
export declare const npyBlock: import("../block.ts").Block<"spectrogram", "spectrogram", z.ZodObject<{
    dtype: z.ZodDefault<z.ZodEnum<{
        float32: "float32";
        float64: "float64";
    }>>;
}, z.core.$strip>>;
