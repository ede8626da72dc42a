export declare const qualityBlock: import("../block.ts").Block<"audio", "audio", import("zod").ZodObject<{
    action: import("zod").ZodDefault<import("zod").ZodEnum<{
        drop: "drop";
        warn: "warn";
        fail: "fail";
    }>>;
    checks: import("zod").ZodDefault<import("zod").ZodArray<import("zod").ZodEnum<{
        nearSilent: "nearSilent";
        clipping: "clipping";
        tooShort: "tooShort";
        nonFinite: "nonFinite";
    }>>>;
    silenceDbfs: import("zod").ZodDefault<import("zod").ZodNumber>;
    clipLevel: import("zod").ZodDefault<import("zod").ZodNumber>;
    maxClippingRatio: import("zod").ZodDefault<import("zod").ZodNumber>;
    minSeconds: import("zod").ZodDefault<import("zod").ZodNumber>;
}, import("zod/v4/core").$strip>>;
