// The reference the streamed listing is compared with: what the same rows cost when built in
// memory first. Reads the NDJSON listing once (untimed) and keeps every row as an object shaped
// like Herald's RouteView, the attribute fields shared between rows with equal attributes and the
// neighbor string shared (as route-view.ts shares them), then serializes the array as one string
// (what a non-streaming handler would send). Sizes are V8 heap growth after a full GC in this process.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { listHttp } from './measure.js';
import { NdjsonRows } from './rows.js';

export interface Materialised {
  rows: number;
  /** Heap held by the array of row objects (plus the shared attribute objects). */
  rowBytes: number;
  /** Length of JSON.stringify(rows) (one byte per character: the text is ASCII). */
  bodyBytes: number;
  /** Heap held by the rows and the serialized body together. */
  totalBytes: number;
}

let gcFn: (() => void) | undefined;
function gc(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

export async function materialise(
  socketPath: string,
  path: string,
  timeoutMs: number,
): Promise<Materialised> {
  gc();
  const h0 = process.memoryUsage().heapUsed;
  let rows: object[] = [];
  const shared = new Map<string, object>();
  const neighbors = new Map<string, string>();
  const sink = new NdjsonRows((r) => {
    const { prefix, pathId, neighbor, best, stale, ...attrs } = r as Record<string, unknown> & {
      neighbor: string;
    };
    const key = JSON.stringify(attrs);
    let a = shared.get(key);
    if (!a) {
      a = attrs;
      shared.set(key, a);
    }
    let n = neighbors.get(neighbor);
    if (n === undefined) {
      n = neighbor;
      neighbors.set(n, n);
    }
    rows.push({ prefix, ...(pathId ? { pathId } : {}), neighbor: n, ...a, best, stale });
  });
  const res = await listHttp(socketPath, path, sink, { timeoutMs, samplePids: [] });
  if (res.error) throw new Error(`materialise ${path}: ${res.error}`);
  gc();
  const h1 = process.memoryUsage().heapUsed;
  let body: string | undefined = JSON.stringify(rows);
  const bodyBytes = body.length;
  gc();
  const h2 = process.memoryUsage().heapUsed;
  const count = rows.length;
  // let both go before the next measurement
  body = undefined;
  rows = [];
  shared.clear();
  gc();
  return { rows: count, rowBytes: h1 - h0, bodyBytes, totalBytes: h2 - h0 };
}
