// The routes waiting to be written to the kernel, in the order they changed, each once: a mark on
// the route (kept by its owner) and an array of route ids, instead of a Set — no hashing per
// route, and a full table of changes queued while the kernel catches up costs one array slot each.

/** Where a route's "queued" mark is kept (set and cleared by the queue only). */
export interface QueueMarks {
  isQueued(id: number): boolean;
  setQueued(id: number, on: boolean): void;
}

export class DirtyQueue {
  private items: number[] = [];
  private head = 0;

  constructor(private readonly marks: QueueMarks) {}

  get size(): number {
    return this.items.length - this.head;
  }

  has(id: number): boolean {
    return this.marks.isQueued(id);
  }

  /** Queues `id` at the end unless it is queued already. */
  add(id: number): void {
    if (this.marks.isQueued(id)) return;
    this.marks.setQueued(id, true);
    this.items.push(id);
  }

  /** Takes the first one (undefined: none). */
  take(): number | undefined {
    if (this.head === this.items.length) return undefined;
    const id = this.items[this.head++];
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.marks.setQueued(id, false);
    return id;
  }
}
