// Piscina worker entry for convert's source threads when the bundle cannot be used (user block modules in
// TypeScript, or BIRDCALL_WORKER_BUNDLE=0): registers tsx, as bin/birdcall.js does, then loads the thread.
import { register } from 'tsx/esm/api';

register();
const thread = await import('./source-thread.ts');

export default thread.convertTask;
