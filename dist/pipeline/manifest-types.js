export {};
//# sourceMappingURL=manifest-types.js.map