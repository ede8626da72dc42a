import './layers.ts';
//# sourceMappingURL=replica-worker.d.ts.map