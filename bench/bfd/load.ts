// The load beside a BFD detection row (issue 20: "no false Down while 577k routes are being received
// and while the full table is being listed through the API"). Two loops run against Herald until
// stop():
//   feed     the ingest bench's speaker, in the peer's namespace on its own address, sends the whole
//            IPv4 table of the MRT capture over a BGP session to Herald; once Herald holds every
//            route the speaker is stopped (Herald drops the session and flushes the routes) and a
//            fresh one sends the table again, so receiving and flushing last the whole trial set.
//   list     GET /api/v1/routes?table=in&format=ndjson over the API's unix socket, again and again
//            (rows counted by newline, not parsed: this process also times the cuts).
// Beside them Herald's /metrics is read every second for the event-loop delay (prom-client's
// monitorEventLoopDelay maximum, reset at each read).
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { HeraldInstance } from '../../test/interop/harness/herald.js';
import { delay, run, workDirFor } from '../../test/interop/harness/index.js';
import { httpText, listHttp } from '../api/measure.js';
import { LineRows } from '../api/rows.js';
import { FULL_TABLE_MRT, loadUpdates, type UpdateStream } from '../ingest/data.js';
import { HOLD_TIME } from '../ingest/receivers.js';
import { SpeakerProcess } from '../ingest/speaker-process.js';
import { HERALD_ASN } from './sides.js';

/** The sender's own address in the peer's namespace (the BFD peer keeps 10.0.0.2). */
export const LOAD_SENDER = '10.0.0.3';
/** iBGP, as in the ingest bench: the capture's AS_PATHs do not start with the sender's AS. */
export const LOAD_NEIGHBOR = { address: LOAD_SENDER, peerAsn: HERALD_ASN, holdTime: HOLD_TIME };

const LIST_PATH = '/api/v1/routes?table=in&format=ndjson';
const LIST_TIMEOUT_MS = 120_000;
const TABLE_TIMEOUT_MS = 180_000;
/** Herald holds a few prefixes fewer than the capture's end state (AS-path loop with its own AS 65001 on iBGP, …). */
const HELD_SHARE = 0.999;

export interface LoadSummary {
  /** Full tables Herald received completely (all routes held). */
  tables: number;
  /** The most routes Herald held from the sender at one time. */
  maxHeld: number;
  /** Seconds from the speaker's go to every route held, per table. */
  tableSeconds: number[];
  /** Completed full-table listings (rows ≥ the table size). */
  fullListings: number;
  listings: number;
  /** Seconds per listing of the full table. */
  listingSeconds: number[];
  /** Largest event-loop delay Herald reported over a one-second window, ms. */
  loopDelayMaxMs: number;
  errors: string[];
}

let cached: { stream: UpdateStream; file: string } | undefined;

/** The capture beside the checkout: data.ts assumes .bench-build/, this bench runs from source. */
export function mrtFile(): string {
  if (process.env.HERALD_MRT_DIR || existsSync(FULL_TABLE_MRT)) return FULL_TABLE_MRT;
  return resolve(import.meta.dirname, '../../../shared/data/mrt', basename(FULL_TABLE_MRT));
}

/** The UPDATE stream, read once per run and written for the speaker (a temp dir removed on exit). */
function updates(): { stream: UpdateStream; file: string } {
  if (!cached) {
    const stream = loadUpdates(mrtFile());
    const file = join(workDirFor('', 'bfd-load'), 'updates.bin');
    writeFileSync(file, stream.bytes);
    cached = { stream, file };
    console.log(`load: ${stream.messages} UPDATEs → ${stream.endState} prefixes`);
  }
  return cached;
}

export class BfdLoad {
  readonly summary: LoadSummary = {
    tables: 0,
    maxHeld: 0,
    tableSeconds: [],
    fullListings: 0,
    listings: 0,
    listingSeconds: [],
    loopDelayMaxMs: 0,
    errors: [],
  };
  private stopped = false;
  private speaker?: SpeakerProcess;
  private readonly loops: Promise<void>[];

  /** Adds the sender's address on `ifname` in `senderNs` and starts the loops against `herald`. */
  static async start(senderNs: string, ifname: string, herald: HeraldInstance, heraldAddress: string) {
    const { file, stream } = updates();
    await run('ip', ['-n', senderNs, 'addr', 'add', `${LOAD_SENDER}/24`, 'dev', ifname]);
    return new BfdLoad(senderNs, herald, heraldAddress, file, Math.floor(stream.endState * HELD_SHARE));
  }

  private constructor(
    private readonly ns: string,
    private readonly herald: HeraldInstance,
    private readonly heraldAddress: string,
    private readonly file: string,
    /** Held routes that count as the full table. */
    private readonly routes: number,
  ) {
    this.loops = [this.feed(), this.list(), this.watchLoop()];
  }

  private note(e: unknown): void {
    const m = (e as Error).message.split('\n')[0];
    if (this.summary.errors.length < 10) this.summary.errors.push(m);
  }

  private async received(): Promise<number> {
    const n = (await this.herald.neighbor(LOAD_SENDER)).prefixes.received;
    this.summary.maxHeld = Math.max(this.summary.maxHeld, n);
    return n;
  }

  private async feed(): Promise<void> {
    while (!this.stopped) {
      const s = new SpeakerProcess(
        this.ns,
        {
          mode: 'send',
          address: this.heraldAddress,
          port: 179,
          localAddress: LOAD_SENDER,
          asn: HERALD_ASN,
          bgpId: LOAD_SENDER,
          holdTime: HOLD_TIME,
          file: this.file,
          connectTimeoutMs: 60_000,
        },
        join(import.meta.dirname, '../ingest/speaker.ts'),
        ['--import', 'tsx'],
      );
      this.speaker = s;
      try {
        await s.next('established', 60_000);
        const t0 = Date.now();
        s.go();
        const deadline = t0 + TABLE_TIMEOUT_MS;
        // an API read that times out under load counts as "not yet"; the deadline bounds the wait
        while (!this.stopped && (await this.received().catch(() => 0)) < this.routes) {
          if (Date.now() > deadline) throw new Error(`table not held after ${TABLE_TIMEOUT_MS} ms`);
          if (s.trouble()) throw new Error(`speaker: ${s.trouble()?.event}`);
          await delay(250);
        }
        if (!this.stopped) {
          this.summary.tables++;
          this.summary.tableSeconds.push((Date.now() - t0) / 1000);
        }
      } catch (e) {
        if (!this.stopped) this.note(e);
        await delay(1000);
      } finally {
        await s.stop();
      }
    }
  }

  private async list(): Promise<void> {
    while (!this.stopped) {
      const rows = new LineRows((l) => l.length > 0);
      const r = await listHttp(this.herald.socket, LIST_PATH, rows, {
        timeoutMs: LIST_TIMEOUT_MS,
        samplePids: [],
      }).catch((e: Error) => ({ error: e.message, rows: 0, seconds: 0 }));
      this.summary.listings++;
      if (r.error) this.note(new Error(`listing: ${r.error}`));
      else if (r.rows >= this.routes) {
        this.summary.fullListings++;
        this.summary.listingSeconds.push(r.seconds);
      }
      await delay(200);
    }
  }

  private async watchLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const text = await httpText(this.herald.socket, '/metrics');
        const m = /^herald_nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? ([0-9.e+-]+)$/m.exec(text);
        if (m) this.summary.loopDelayMaxMs = Math.max(this.summary.loopDelayMaxMs, Number(m[1]) * 1000);
      } catch (e) {
        this.note(e);
      }
      await delay(1000);
    }
  }

  /** Ends the loops (bounded: the speaker is stopped, a listing ends within its timeout). */
  async stop(): Promise<LoadSummary> {
    this.stopped = true;
    await this.speaker?.stop();
    await Promise.all(this.loops);
    return this.summary;
  }
}
