// Plain data (what JSON holds: objects, arrays, strings, numbers, booleans, null) as block-style
// YAML, the way `kubectl get -o yaml` shows runningConfig. A string is written plain when no YAML reader could
// take it for anything else (YAML 1.2 core numbers, booleans and null, YAML 1.1's yes/no/on/off,
// indicators, ": ", " #"), else double-quoted with JSON's escapes, which are YAML's too. Keys
// whose value is undefined are left out. Written for runningConfig: the `yaml` library builds a
// document tree first and took ten times as long on a thousand prefixes. Pure.

/** No indicator first (`-` and `>` neither), no `#`, quote or flow bracket anywhere. */
const SAFE = /^[A-Za-z0-9_./<()+=$^~][A-Za-z0-9_ ./:<>()+=$^~,@-]*$/;
const NOT_TEXT =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[yY]|[nN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/;

function scalar(v: unknown): string {
  if (typeof v !== 'string') return String(v);
  const plain =
    SAFE.test(v) && !NOT_TEXT.test(v) && !v.includes(': ') && !v.endsWith(':') && !v.endsWith(' ');
  return plain ? v : JSON.stringify(v);
}

function isEmpty(v: object): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return Object.values(v).every((x) => x === undefined);
}

/**
 * The one-line form of `v` (a scalar, `[]`, `{}`) to follow "key: " or "- "; otherwise `v` is
 * written into `out` as lines at `indent` and the answer is undefined.
 */
function block(v: unknown, indent: string, out: string[]): string | undefined {
  if (v === null || typeof v !== 'object') return scalar(v ?? null);
  if (isEmpty(v)) return Array.isArray(v) ? '[]' : '{}';
  if (Array.isArray(v)) {
    for (const item of v) {
      const at = out.length;
      const inline = block(item, `${indent}  `, out);
      if (inline !== undefined) out.push(`${indent}- ${inline}`);
      else out[at] = `${indent}- ${out[at].slice(indent.length + 2)}`;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    const at = out.length;
    out.push('');
    const inline = block(x, `${indent}  `, out);
    out[at] = inline !== undefined ? `${indent}${scalar(k)}: ${inline}` : `${indent}${scalar(k)}:`;
  }
  return undefined;
}

/** The YAML document of `data`, ending with a newline. */
export function yamlBlock(data: unknown): string {
  const out: string[] = [];
  const inline = block(data, '', out);
  return `${inline ?? out.join('\n')}\n`;
}
