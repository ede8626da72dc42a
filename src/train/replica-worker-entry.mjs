// Worker-thread entry for data-parallel training. Worker threads do not inherit the tsx loader of the
// process that starts them, so this plain-JS file registers it (as bin/birdcall.js does) before loading
// the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./replica-worker.ts');
