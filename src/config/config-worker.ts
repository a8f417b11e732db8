// Worker thread body of `loadConfigOffThread`: reads, parses and validates one config file and
// posts the result (plain data, structured-cloned) or the problems found.
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from './load-config.js';
import type { FromConfigWorker } from './load-config-off-thread.js';
import { ConfigError } from './validate.js';

function run(path: string): FromConfigWorker {
  try {
    return { config: loadConfig(path) };
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems };
    return { error: (e as Error).stack ?? String(e) };
  }
}

parentPort?.postMessage(run((workerData as { path: string }).path));
