// BGP community values as MetalLB writes them: "65000:100" (two 16-bit halves) or
// "large:65000:1:2" (three 32-bit numbers); anything else in a BGPAdvertisement is the name of an
// alias from a Community resource. Values come out in Herald's config forms ("65000:100" and
// "65000:1:2"). Pure.

export type CommunityValue = { kind: 'standard'; text: string } | { kind: 'large'; text: string };

function uint(text: string, max: number): number | undefined {
  return /^\d+$/.test(text) && Number(text) <= max ? Number(text) : undefined;
}

/**
 * Parses a community value. Returns `'notACommunity'` when the text has neither form (so it may be
 * an alias name) and an error text when it has a form but a bad number.
 */
export function parseCommunityValue(text: string): CommunityValue | 'notACommunity' | string {
  const parts = text.split(':');
  if (parts.length === 2) {
    const [hi, lo] = parts.map((p) => uint(p, 0xffff));
    if (hi === undefined || lo === undefined)
      return `invalid community "${text}": each half must be 0..65535`;
    return { kind: 'standard', text: `${hi}:${lo}` };
  }
  if (parts.length === 4) {
    if (parts[0] !== 'large')
      return `invalid large community "${text}": expected large:<uint32>:<uint32>:<uint32>`;
    const nums = parts.slice(1).map((p) => uint(p, 0xffffffff));
    if (nums.some((n) => n === undefined)) {
      return `invalid large community "${text}": each part must be 0..4294967295`;
    }
    return { kind: 'large', text: nums.join(':') };
  }
  return 'notACommunity';
}
