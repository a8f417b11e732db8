// Loads a config file in a worker thread. With 100,000 announcements the YAML parse (with
// positions), the schema check and the normalization take 5 s or more; on the main thread they
// held every timer that long, and a peer with hold time 9 s lost its session on a reload. The
// result is the same HeraldConfig `loadConfig` returns (plain data survives the structured clone).

import { startWorker } from '../worker-script.js';
import type { HeraldConfig } from './types.js';
import { ConfigError } from './validate.js';

export type FromConfigWorker = { config: HeraldConfig } | { problems: string[] } | { error: string };

export function loadConfigOffThread(path: string): Promise<HeraldConfig> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(new URL('./config-worker.js', import.meta.url), import.meta.url, { path });
    let answered = false;
    worker.once('message', (m: FromConfigWorker) => {
      answered = true;
      if ('config' in m) resolve(m.config);
      else if ('problems' in m) reject(new ConfigError(m.problems));
      else reject(new Error(`config worker: ${m.error}`));
    });
    worker.once('error', (e) => {
      answered = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`config worker exited with code ${code} before answering`));
    });
  });
}
