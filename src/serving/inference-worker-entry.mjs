// Entry of an inference worker thread. A Worker cannot load TypeScript by itself (under tsx or vitest the
// parent's loader does not reach worker threads), so this registers tsx's loader in the thread first.
import { register } from 'tsx/esm/api';

register();
await import('./inference-worker.ts');
