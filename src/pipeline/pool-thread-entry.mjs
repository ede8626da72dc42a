// Piscina worker entry. Worker threads do not inherit the tsx loader the CLI registered, so this plain-JS file
// registers it (as bin/birdcall.js does) before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./pool-thread.ts');

export default worker.runTask;
