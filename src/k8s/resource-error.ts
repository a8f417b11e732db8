// How a Kubernetes resource that Herald cannot use is reported: the resource (kind, namespace,
// name), the field and the reason, as in `BGPPeer metallb-system/tor: spec.holdTime: must be 0 or
// at least 3s`. Readers throw it; the snapshot collects it and leaves the resource out. Pure.

/** "IPAddressPool metallb-system/default" (no namespace for cluster-scoped kinds). */
export function resourceName(kind: string, namespace: string | undefined, name: string): string {
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

export class ResourceError extends Error {
  override readonly name = 'ResourceError';
  constructor(
    /** "BGPPeer metallb-system/tor" */
    readonly resource: string,
    /** "spec.holdTime" (empty when the problem is the whole resource) */
    readonly field: string,
    readonly reason: string,
  ) {
    super(field ? `${resource}: ${field}: ${reason}` : `${resource}: ${reason}`);
  }
}

/** A problem as data, for logs, the API and the desired snapshot. */
export interface ResourceProblem {
  resource: string;
  field: string;
  message: string;
}

export function problemOf(e: unknown, resource: string): ResourceProblem {
  if (e instanceof ResourceError) return { resource: e.resource, field: e.field, message: e.message };
  const text = e instanceof Error ? e.message : String(e);
  return { resource, field: '', message: `${resource}: ${text}` };
}
