export {};
//# sourceMappingURL=mel-worker.d.ts.map