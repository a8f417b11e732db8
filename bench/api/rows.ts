// Row counters for the API bench: they consume a listing chunk by chunk and keep only the element
// being read, never the whole body.
//   JsonRows    a JSON document: counts the members of one container (the top-level array or
//               object, or the object under a top-level key), checks the brackets and strings
//               balance, and optionally JSON.parse()s each member and hands it to a callback.
//   NdjsonRows  one JSON value per line, each parsed.
//   LineRows    text lines that match a test (BIRD's `show route` prints a prefix at the start of
//               the first line of each network).

export interface RowSink {
  write(chunk: Buffer): void;
  /** Call once after the last chunk; throws when the document is incomplete or malformed. */
  end(): void;
  readonly rows: number;
  readonly bytes: number;
}

export interface JsonRowsOptions {
  /** Depth of the container whose members are counted: 1 = the top-level array or object. */
  depth?: number;
  /** With depth 2: only the container that is the value of this top-level key counts. */
  underKey?: string;
  /** Parse each counted member (array elements only) and pass it here. */
  onRow?: (row: unknown) => void;
}

const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) SPACE[c] = 1;

const OBJ = 1;
const ARR = 2;

/** A streaming structural scanner of one JSON document (RFC 8259) that counts one container's members. */
export class JsonRows implements RowSink {
  rows = 0;
  bytes = 0;
  private readonly depth: number;
  private readonly underKey?: string;
  private readonly onRow?: (row: unknown) => void;
  /** Container kinds, innermost last. */
  private readonly stack: number[] = [];
  /** Per depth: the object expects a key next. */
  private readonly expectKey: boolean[] = [];
  private inString = false;
  private escape = false;
  /** Collecting a key of the top-level object (to find `underKey`). */
  private keyParts: Buffer[] | undefined;
  private keyStart = -1;
  private lastTopKey = '';
  /** The current container at `depth` is the one counted. */
  private active = false;
  /** The parts of the member being captured for onRow, and where it starts in the current chunk. */
  private capture: Buffer[] | undefined;
  private captureStart = -1;
  private finished = false;

  constructor(opts: JsonRowsOptions = {}) {
    this.depth = opts.depth ?? 1;
    this.underKey = opts.underKey;
    this.onRow = opts.onRow;
  }

  write(buf: Buffer): void {
    this.bytes += buf.length;
    const stack = this.stack;
    const target = this.depth;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 0x5c) this.escape = true;
        else if (c === 0x22) {
          this.inString = false;
          if (this.keyParts) {
            this.keyParts.push(buf.subarray(this.keyStart, i));
            this.lastTopKey = Buffer.concat(this.keyParts).toString('utf8');
            this.keyParts = undefined;
          }
        }
        continue;
      }
      if (SPACE[c]) continue;
      if (this.finished) throw new Error(`data after the end of the JSON document at byte ${this.bytes}`);
      const d = stack.length;
      switch (c) {
        case 0x22: // "
          if (d > 0 && stack[d - 1] === OBJ && this.expectKey[d - 1]) {
            this.expectKey[d - 1] = false;
            if (d === target && this.active) this.rows++;
            if (d === 1 && this.underKey !== undefined) {
              this.keyParts = [];
              this.keyStart = i + 1;
            }
          } else this.valueStart(buf, i);
          this.inString = true;
          break;
        case 0x7b: // {
        case 0x5b: // [
          this.valueStart(buf, i);
          stack.push(c === 0x7b ? OBJ : ARR);
          this.expectKey[stack.length - 1] = c === 0x7b;
          if (stack.length === target)
            this.active = this.underKey === undefined || (target === 2 && this.lastTopKey === this.underKey);
          break;
        case 0x7d: // }
        case 0x5d: // ]
          if (d === 0 || stack[d - 1] !== (c === 0x7d ? OBJ : ARR))
            throw new Error(`unbalanced ${String.fromCharCode(c)} at byte ${this.bytes - buf.length + i}`);
          stack.pop();
          // the counted member's own container closes
          if (d === target + 1 && this.captureStart >= 0) this.endMember(buf, i);
          if (d === target) this.active = false;
          if (stack.length === 0) this.finished = true;
          break;
        case 0x2c: // ,
          if (d === 0) throw new Error(`comma outside a container at byte ${this.bytes - buf.length + i}`);
          if (stack[d - 1] === OBJ) this.expectKey[d - 1] = true;
          break;
        case 0x3a: // :
          break;
        default:
          // a number, true, false or null
          this.valueStart(buf, i);
      }
    }
    if (this.captureStart >= 0) {
      this.capture?.push(buf.subarray(this.captureStart));
      this.captureStart = 0;
    }
    if (this.keyParts && this.inString) {
      this.keyParts.push(buf.subarray(this.keyStart));
      this.keyStart = 0;
    }
  }

  /** A value begins at buf[i] (before a container is pushed). */
  private valueStart(buf: Buffer, i: number): void {
    const d = this.stack.length;
    if (d !== this.depth || !this.active || this.stack[d - 1] !== ARR) return;
    // an array element of the counted container; object members were counted at their key
    this.rows++;
    if (this.onRow && (buf[i] === 0x7b || buf[i] === 0x5b)) {
      this.capture = [];
      this.captureStart = i;
    }
  }

  /** The captured member ends at buf[i] (inclusive). */
  private endMember(buf: Buffer, i: number): void {
    const parts = this.capture ?? [];
    parts.push(buf.subarray(this.captureStart, i + 1));
    this.capture = undefined;
    this.captureStart = -1;
    const text = parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8');
    this.onRow?.(JSON.parse(text));
  }

  end(): void {
    if (!this.finished || this.inString || this.stack.length > 0)
      throw new Error(
        `JSON document incomplete after ${this.bytes} bytes (depth ${this.stack.length}${this.inString ? ', in a string' : ''})`,
      );
  }
}

/** Splits a byte stream into lines (without the newline) for a subclass to count. */
abstract class LineSink implements RowSink {
  rows = 0;
  bytes = 0;
  private carry: Buffer[] = [];

  protected abstract line(line: Buffer): void;

  write(buf: Buffer): void {
    this.bytes += buf.length;
    let from = 0;
    for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, from)) {
      const part = buf.subarray(from, nl);
      const line = this.carry.length ? Buffer.concat([...this.carry, part]) : part;
      this.carry = [];
      from = nl + 1;
      this.line(line);
    }
    if (from < buf.length) this.carry.push(buf.subarray(from));
  }

  /** What follows the last newline. */
  protected rest(): Buffer {
    return Buffer.concat(this.carry);
  }

  abstract end(): void;
}

/** Newline-delimited JSON: every non-empty line parsed. */
export class NdjsonRows extends LineSink {
  constructor(private readonly onRow?: (row: unknown) => void) {
    super();
  }

  protected line(line: Buffer): void {
    if (line.length === 0) return;
    const row: unknown = JSON.parse(line.toString('utf8'));
    this.rows++;
    this.onRow?.(row);
  }

  end(): void {
    if (this.rest().length > 0) throw new Error('NDJSON ends without a newline');
  }
}

/** Counts the text lines for which `test` is true (given the line's bytes, without the newline). */
export class LineRows extends LineSink {
  constructor(private readonly test: (line: Buffer) => boolean) {
    super();
  }

  protected line(line: Buffer): void {
    if (this.test(line)) this.rows++;
  }

  end(): void {
    const rest = this.rest();
    if (rest.length > 0 && this.test(rest)) this.rows++;
  }
}

/** BIRD: the first line of a network starts with its prefix ("1.0.4.0/24  unicast [...]"). */
export const birdPrefixLine = (line: Buffer): boolean => {
  const c = line[0];
  if (c === undefined || !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || c === 0x3a)) return false;
  const sp = line.indexOf(0x20);
  const slash = line.indexOf(0x2f);
  return slash > 0 && (sp < 0 || slash < sp);
};
