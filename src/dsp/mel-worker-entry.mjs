// Worker-thread entry for parallel mel spectrograms when the esbuild bundle (src/worker-bundle.ts) cannot be
// had. Worker threads do not inherit the tsx loader of the process that starts them, so this plain-JS
// file registers it (as bin/birdcall.js does) before loading the TypeScript worker: about 1 s of CPU.
import { register } from 'tsx/esm/api';

register();
await import('./mel-worker.ts');
