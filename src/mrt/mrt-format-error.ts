// MrtFormatError: the one error type the MRT reader throws for truncated or malformed input.

/** Thrown when MRT bytes cannot be framed or decoded. `offset` is the byte position in the input. */
export class MrtFormatError extends Error {
  override readonly name = 'MrtFormatError';
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.offset = offset;
  }
}
