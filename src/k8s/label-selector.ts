// Kubernetes label selectors (metav1.LabelSelector): `matchLabels` and `matchExpressions` with In,
// NotIn, Exists and DoesNotExist, all of which must hold. An empty selector selects everything; a
// list of selectors selects what any of them selects (MetalLB's rule), and an empty list selects
// everything too. Pure.
import type { Fields } from './fields.js';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A parsed selector: every requirement must hold (matchLabels become `In` with one value). */
export interface LabelSelector {
  requirements: Requirement[];
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function readLabelSelector(f: Fields): LabelSelector {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(f.stringMap('matchLabels'))) {
    requirements.push({ key, operator: 'In', values: [value] });
  }
  f.objectArray('matchExpressions').forEach((e) => {
    const key = e.requiredString('key');
    const operator = e.requiredString('operator');
    if (!OPERATORS.has(operator))
      e.fail('operator', `must be In, NotIn, Exists or DoesNotExist, got "${operator}"`);
    const values = e.stringArray('values');
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      e.fail('values', `must not be empty for ${operator}`);
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
      e.fail('values', `must be empty for ${operator}`);
    }
    requirements.push({ key, operator: operator as Requirement['operator'], values });
  });
  return { requirements };
}

/** A list of selectors at `key`; duplicates are rejected as MetalLB does. */
export function readLabelSelectors(f: Fields, key: string): LabelSelector[] {
  const items = f.objectArray(key);
  const selectors = items.map(readLabelSelector);
  const seen = new Set<string>();
  selectors.forEach((s, i) => {
    const k = JSON.stringify(s);
    if (seen.has(k)) items[i].fail(undefined, 'duplicate selector');
    seen.add(k);
  });
  return selectors;
}

function holds(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function selectorMatches(s: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return s.requirements.every((r) => holds(r, labels));
}

/** Any selector matches; an empty list matches everything. */
export function anySelectorMatches(
  selectors: readonly LabelSelector[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return selectors.length === 0 || selectors.some((s) => selectorMatches(s, labels));
}
