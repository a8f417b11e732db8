// Typed access to a resource's JSON with the field path in every error: `Fields.of(kind, raw)`
// reads metadata, then `spec.int('peerPort', 1, 16384)` either returns a value or throws a
// ResourceError naming `spec.peerPort`. Absent (undefined or null) optional fields read as
// undefined. Pure: no I/O.
import { ResourceError, resourceName } from './resource-error.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? 'an object' : String(v);
}

export interface Meta {
  name: string;
  namespace: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  resourceVersion: string | undefined;
}

export class Fields {
  private constructor(
    /** "BGPPeer metallb-system/tor" */
    readonly resource: string,
    private readonly obj: Json,
    /** "spec" or "spec.nodeSelectors[0]" */
    readonly path: string,
  ) {}

  /** The resource's metadata and a reader at its root; throws when it is not an object or has no name. */
  static of(kind: string, raw: unknown): { root: Fields; meta: Meta } {
    if (!isObject(raw))
      throw new ResourceError(`${kind} (unnamed)`, '', `must be an object, got ${describe(raw)}`);
    const md = isObject(raw.metadata) ? raw.metadata : {};
    const name = typeof md.name === 'string' ? md.name : '';
    const namespace = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : undefined;
    const resource = resourceName(kind, namespace, name || '(unnamed)');
    if (!name) throw new ResourceError(resource, 'metadata.name', 'is required');
    const meta = new Fields(resource, md, 'metadata');
    return {
      root: new Fields(resource, raw, ''),
      meta: {
        name,
        namespace,
        labels: meta.stringMap('labels'),
        annotations: meta.stringMap('annotations'),
        resourceVersion: meta.string('resourceVersion'),
      },
    };
  }

  /** The full path of a key below this reader. */
  at(key: string | number): string {
    if (typeof key === 'number') return `${this.path}[${key}]`;
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string | number | undefined, reason: string): never {
    throw new ResourceError(this.resource, key === undefined ? this.path : this.at(key), reason);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): unknown {
    return this.obj[key] ?? undefined;
  }

  /** A sub-object; an empty reader when absent (so `spec.object('x').string('y')` reads as undefined). */
  object(key: string): Fields {
    const v = this.obj[key];
    if (v === undefined || v === null) return new Fields(this.resource, {}, this.at(key));
    if (!isObject(v)) this.fail(key, `must be an object, got ${describe(v)}`);
    return new Fields(this.resource, v, this.at(key));
  }

  string(key: string): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(key, `must be a string, got ${describe(v)}`);
    return v;
  }

  requiredString(key: string): string {
    const v = this.string(key);
    if (v === undefined || v === '') this.fail(key, 'is required');
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(key, `must be true or false, got ${describe(v)}`);
    return v;
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(key, `must be an integer ${min}..${max}, got ${describe(v)}`);
    }
    return v;
  }

  private array(key: string): unknown[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(key, `must be a list, got ${describe(v)}`);
    return v;
  }

  stringArray(key: string): string[] {
    return this.array(key).map((item, i) => {
      if (typeof item !== 'string')
        this.fail(`${key}[${i}]` as string, `must be a string, got ${describe(item)}`);
      return item;
    });
  }

  objectArray(key: string): Fields[] {
    return this.array(key).map((item, i) => {
      const path = `${this.at(key)}[${i}]`;
      if (!isObject(item))
        throw new ResourceError(this.resource, path, `must be an object, got ${describe(item)}`);
      return new Fields(this.resource, item, path);
    });
  }

  /** A map of strings (labels, annotations, secret data). */
  stringMap(key: string): Record<string, string> {
    const v = this.obj[key];
    if (v === undefined || v === null) return {};
    if (!isObject(v)) this.fail(key, `must be a map of strings, got ${describe(v)}`);
    const out: Record<string, string> = {};
    for (const [k, s] of Object.entries(v)) {
      if (typeof s !== 'string') this.fail(`${key}.${k}`, `must be a string, got ${describe(s)}`);
      out[k] = s;
    }
    return out;
  }

  /** Fails on the first key not in `allowed` (a strict format such as MetalLB's legacy ConfigMap). */
  onlyKeys(allowed: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!allowed.includes(k)) this.fail(k, `unknown key (expected one of ${allowed.join(', ')})`);
    }
  }

  /** The keys present, in order. */
  keys(): string[] {
    return Object.keys(this.obj);
  }

  /** Fails with `reason` when the list at `key` holds the same value twice (MetalLB rejects duplicates). */
  noDuplicates(key: string, values: readonly string[]): void {
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v)) this.fail(key, `duplicate value ${JSON.stringify(v)}`);
      seen.add(v);
    }
  }
}
