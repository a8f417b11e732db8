// Reading an AdjRibIn back as text, and checking its reference counts add up.
import { expect } from 'vitest';
import type { AdjRibIn } from '../../src/rib/adj-rib-in.js';
import { Afi, formatAddress, formatPrefix } from '../../src/wire/index.js';

/** Every route as "prefix" or "prefix#pathId" (path id 0 is left out), sorted. */
export function ribRoutes(rib: AdjRibIn): string[] {
  return ribEntries(rib)
    .map(([text]) => text)
    .sort();
}

/** [route text, attribute-set id] for every route. */
export function ribEntries(rib: AdjRibIn): [string, number][] {
  const out: [string, number][] = [];
  const tag = (pathId: number) => (pathId === 0 ? '' : `#${pathId}`);
  rib.ipv4.forEach((addr, length, pathId, id) => {
    const bytes = Uint8Array.from([addr >>> 24, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255]);
    out.push([`${formatAddress(bytes)}/${length}${tag(pathId)}`, id]);
  });
  rib.ipv6.forEach((bytes, length, pathId, id) => {
    out.push([`${formatPrefix({ afi: Afi.IPV6, length, bytes })}${tag(pathId)}`, id]);
  });
  return out;
}

/** Each set is referenced exactly once per route using it, and no set outlives its routes. */
export function expectConsistentRefs(rib: AdjRibIn): void {
  const counts = new Map<number, number>();
  for (const [, id] of ribEntries(rib)) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const [id, n] of counts) expect(rib.attributes.refCount(id), `set ${id}`).toBe(n);
  expect(rib.attributes.size).toBe(counts.size);
}
