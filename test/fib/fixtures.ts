// Loads the rtnetlink captures in test/fixtures/netlink/ (made by scripts/capture-netlink.sh from
// the real kernel in a network namespace): raw datagrams plus what `ip -j -d` printed then.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Message, splitMessages } from '../../src/fib/netlink/index.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'netlink');

export interface Capture {
  name: string;
  commands?: string[];
  request?: string;
  datagrams: string[];
  ip?: Array<Record<string, unknown>>;
}

export function capture(name: string): Capture {
  return { name, ...JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) };
}

export function allCaptures(): Capture[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json') && f !== 'links.json')
    .map((f) => capture(f.slice(0, -5)));
}

/** Every message of every datagram of a capture. */
export function messagesOf(c: Capture): Message[] {
  return c.datagrams.flatMap((h) => splitMessages(Buffer.from(h, 'hex')));
}

/** ifindex → name in the capture namespace. */
export const LINKS: Record<string, string> = JSON.parse(readFileSync(join(DIR, 'links.json'), 'utf8'));
