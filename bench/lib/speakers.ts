// The raw BGP ends of the comparison benches, started in namespace A of a link topology: the ingest
// bench's sender (bench/ingest/speaker.ts, iBGP in the receivers' AS) and the rib bench's collector
// (bench/rib/collector.ts, an eBGP peer that counts the prefixes it is sent).
import { join } from 'node:path';
import type { LinkTopology } from '../../test/interop/harness/index.js';
import { ASN, HOLD_TIME } from '../ingest/receivers.js';
import type { SpeakerArgs } from '../ingest/speaker.js';
import { SpeakerProcess } from '../ingest/speaker-process.js';
import type { CollectorArgs } from '../rib/collector.js';

/** A sender from `local` (default the link's own address) that writes `file`, then `more` on each go(). */
export function startSender(
  t: LinkTopology,
  file: string,
  opts: { local?: string; more?: string[]; connectTimeoutMs?: number } = {},
): SpeakerProcess {
  const local = opts.local ?? t.a.ipv4;
  const args: SpeakerArgs = {
    mode: 'send',
    address: t.b.ipv4,
    port: 179,
    localAddress: local,
    asn: ASN,
    bgpId: local,
    holdTime: HOLD_TIME,
    file,
    more: opts.more,
    connectTimeoutMs: opts.connectTimeoutMs ?? 60_000,
  };
  return new SpeakerProcess(t.a.ns, args);
}

/** A collector from `local` in `asn` that reports `full` once it holds `expected` prefixes. */
export function startCollector(
  t: LinkTopology,
  c: { local: string; asn: number; holdTime: number; expected: number; timeoutMs: number },
): SpeakerProcess {
  const args: CollectorArgs = {
    address: t.b.ipv4,
    port: 179,
    localAddress: c.local,
    asn: c.asn,
    bgpId: c.local,
    holdTime: c.holdTime,
    connectTimeoutMs: c.timeoutMs,
    expected: c.expected,
  };
  return new SpeakerProcess(t.a.ns, args, join(import.meta.dirname, '../rib/collector.js'));
}
