// Tagged template for annotated hex: bytes are hex pairs; anything after `//` or `#` on a line is
// a comment naming the field, so each vector documents its own layout.
//
//   hex`
//     ffffffffffffffffffffffffffffffff  // marker
//     0017 02                           // length 23, UPDATE
//   `
export function hex(strings: TemplateStringsArray, ...values: unknown[]): Buffer {
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const digits = text
    .split('\n')
    .map((line) => line.replace(/(\/\/|#).*$/, ''))
    .join('')
    .replace(/[\s:|]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`bad hex vector: ${digits}`);
  return Buffer.from(digits, 'hex');
}

/** The 16-octet all-ones marker. */
export const MARKER = 'ff'.repeat(16);
