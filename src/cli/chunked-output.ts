// Long CLI output in writes of about 64 KiB: a full table printed as one string comes near V8's
// longest string (512 MiB) and doubles the memory it needs; one write per line costs a system call
// per line.

const WRITE_SIZE = 65536;

/** Text handed to `write` in pieces of at least WRITE_SIZE characters (the last one shorter). */
export class ChunkedOutput {
  private pending = '';

  constructor(private readonly write: (text: string) => void) {}

  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= WRITE_SIZE) this.flush();
  }

  /** Writes what is left. */
  end(): void {
    if (this.pending.length > 0) this.flush();
  }

  private flush(): void {
    this.write(this.pending);
    this.pending = '';
  }
}
