// The routes waiting to be written to the kernel, in the order they changed, each once: a flag on
// the route and an array, instead of a Set — no hashing per route, and a full table of changes
// queued while the kernel catches up costs one array slot each.

export interface Queueable {
  /** In the queue (set and cleared by the queue only). */
  queued: boolean;
}

export class DirtyQueue<T extends Queueable> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  has(x: T): boolean {
    return x.queued;
  }

  /** Queues `x` at the end unless it is queued already. */
  add(x: T): void {
    if (x.queued) return;
    x.queued = true;
    this.items.push(x);
  }

  /** Takes the first one (undefined: none). */
  take(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const x = this.items[this.head++];
    x.queued = false;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}
