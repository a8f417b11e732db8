// `--json` output: what `JSON.stringify(value, null, 2)` prints, a list written an element at a
// time in writes of about 64 KiB. A full table's routes pretty-printed as one string come near V8's
// longest (512 MiB), and a listing can be printed as its rows arrive, without holding them.
import { ChunkedOutput } from './chunked-output.js';

/** Writes a list as `JSON.stringify(list, null, 2)` and a newline would, element by element. */
export class PrettyJsonList {
  private readonly out: ChunkedOutput;
  private count = 0;

  constructor(write: (text: string) => void) {
    this.out = new ChunkedOutput(write);
  }

  add(item: unknown): void {
    // The element as the whole list shows it, indented: "[\n  …\n]" without its brackets.
    const text = JSON.stringify([item], null, 2).slice(2, -2);
    this.out.add(`${this.count++ === 0 ? '[\n' : ',\n'}${text}`);
  }

  end(): void {
    this.out.add(this.count === 0 ? '[]\n' : '\n]\n');
    this.out.end();
  }
}

/** `JSON.stringify(value, null, 2)` and a newline, through `write` (a list in pieces). */
export function writeJson(value: unknown, write: (text: string) => void): void {
  if (!Array.isArray(value)) {
    write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const list = new PrettyJsonList(write);
  for (const item of value) list.add(item);
  list.end();
}
