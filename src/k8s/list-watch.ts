// A small list/watch client for the few collections Herald reads, over node:http(s) (no client
// library: @kubernetes/client-node alone cost ~45 MB of resident memory, past the speaker's
// budget; see README). Same semantics as the real client's ListWatch: list (no resourceVersion:
// the newest), then watch from the list's resourceVersion with allowWatchBookmarks; ADDED,
// MODIFIED and DELETED update the cache, BOOKMARK moves the resourceVersion on, a watch the server
// ends (timeoutSeconds) is resumed from the resourceVersion, an ERROR 410 Gone (history compacted)
// re-lists. A failing list or watch is reported through 'error' and the cache is kept: the caller
// retries with start() (resuming the watch when it still has a resourceVersion).
import type { ClientRequest } from 'node:http';
import type { KubeTarget } from './kube-config.js';
import { KubeApiError, kubeJson, openKubeRequest } from './kube-request.js';

export interface KubeObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

type Phase = 'add' | 'update' | 'delete';
type Handler = (obj: KubeObject) => void;

const keyOf = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export class ListWatch {
  private readonly objects = new Map<string, KubeObject>();
  private readonly handlers: Record<Phase | 'error', ((x: never) => void)[]> = {
    add: [],
    update: [],
    delete: [],
    error: [],
  };
  private resourceVersion = '';
  private request?: ClientRequest;
  private stopped = false;

  constructor(
    private readonly target: KubeTarget,
    readonly path: string,
    /** Server-side timeout of one watch, in seconds. */
    private readonly timeoutSeconds: () => number,
  ) {}

  on(phase: Phase, handler: Handler): void;
  on(phase: 'error', handler: (err: unknown) => void): void;
  on(phase: Phase | 'error', handler: (x: never) => void): void {
    this.handlers[phase].push(handler);
  }

  list(): KubeObject[] {
    return [...this.objects.values()];
  }

  latestResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Lists (unless a resourceVersion is held) and opens the watch; failures go to 'error'. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.cycle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.request?.destroy();
    this.request = undefined;
  }

  private emit(phase: Phase, o: KubeObject): void {
    for (const h of this.handlers[phase]) (h as Handler)(o);
  }

  private fail(err: unknown): void {
    this.request?.destroy();
    this.request = undefined;
    if (this.stopped) return;
    for (const h of this.handlers.error) (h as (e: unknown) => void)(err);
  }

  private async cycle(): Promise<void> {
    this.request?.destroy();
    this.request = undefined;
    if (this.stopped) return;
    try {
      if (!this.resourceVersion) await this.relist();
      if (this.stopped) return;
      await this.watch();
    } catch (e) {
      this.fail(e);
    }
  }

  private async relist(): Promise<void> {
    const list = (await kubeJson(this.target, 'GET', this.path)) as {
      metadata?: { resourceVersion?: string };
      items?: KubeObject[];
    };
    const fresh = new Map((list.items ?? []).map((o) => [keyOf(o), o]));
    for (const [key, old] of this.objects)
      if (!fresh.has(key)) {
        this.objects.delete(key);
        this.emit('delete', old);
      }
    for (const [key, o] of fresh) {
      const old = this.objects.get(key);
      this.objects.set(key, o);
      if (!old) this.emit('add', o);
      else if (old.metadata?.resourceVersion !== o.metadata?.resourceVersion) this.emit('update', o);
    }
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
  }

  private async watch(): Promise<void> {
    const query = {
      watch: 'true',
      allowWatchBookmarks: 'true',
      resourceVersion: this.resourceVersion,
      timeoutSeconds: String(this.timeoutSeconds()),
    };
    const res = await openKubeRequest(this.target, 'GET', this.path, {
      query,
      onRequest: (r) => {
        this.request = r;
      },
    });
    if (this.stopped) {
      res.destroy();
      return;
    }
    let buffered = '';
    let gone = false;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line && this.event(line)) gone = true;
        nl = buffered.indexOf('\n');
      }
    });
    res.on('error', (e) => this.fail(e));
    res.on('aborted', () => this.fail(new Error(`watch ${this.path}: connection lost`)));
    res.on('end', () => {
      if (this.stopped || this.request === undefined) return;
      // A clean end (server-side timeout) resumes from the resourceVersion; 410 Gone re-lists.
      if (gone) this.resourceVersion = '';
      void this.cycle();
    });
  }

  /** Applies one watch event; true for 410 Gone (the history is compacted: re-list). */
  private event(line: string): boolean {
    let e: { type?: string; object?: KubeObject & { code?: number; message?: string } };
    try {
      e = JSON.parse(line);
    } catch {
      this.fail(new Error(`watch ${this.path}: unreadable event`));
      return false;
    }
    const o = e.object;
    if (!o) return false;
    if (e.type === 'ERROR') {
      if (o.code === 410) return true;
      this.fail(new KubeApiError(o.code ?? 0, `watch ${this.path}: ${o.message ?? 'error'}`));
      return false;
    }
    const rv = o.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (e.type === 'BOOKMARK') return false;
    const key = keyOf(o);
    if (e.type === 'DELETED') {
      this.objects.delete(key);
      this.emit('delete', o);
    } else if (e.type === 'ADDED' || e.type === 'MODIFIED') {
      const had = this.objects.has(key);
      this.objects.set(key, o);
      this.emit(had ? 'update' : 'add', o);
    }
    return false;
  }
}
