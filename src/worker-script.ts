// Starts a worker thread from a module given by its URL as compiled (`./x.js` next to the caller):
// from dist/ that file runs as it is; from source (tests, tsx) the caller's URL ends in .ts, so the
// worker loads the .ts file through tsx's hooks.
import { Worker } from 'node:worker_threads';

export function startWorker(script: URL, callerUrl: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(script, { workerData });
  const source = JSON.stringify(script.href.replace(/\.js$/, '.ts'));
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); });`;
  return new Worker(boot, { eval: true, workerData });
}
