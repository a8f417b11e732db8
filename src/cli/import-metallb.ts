// `herald import-metallb FILE`: MetalLB's legacy ConfigMap (metallb-system/config, before 0.13)
// converted into the metallb.io resources Herald reads in Kubernetes mode, printed as YAML
// documents for `kubectl apply -f -`. FILE (or `-` for stdin) holds the ConfigMap manifest (among
// other documents, as in a deployment's manifest file) or the `config` text alone. What Herald
// keeps but does not do (layer2 pools) is listed as comments at the top and on stderr; an unknown
// key or a bad value fails with its path. Pure apart from reading the input.
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import {
  convertLegacyConfig,
  convertLegacyConfigMap,
  type LegacyConversion,
} from '../k8s/metallb-configmap.js';
import { ResourceError } from '../k8s/resource-error.js';

export interface ImportOptions {
  /** Namespace of the resources written (default: the ConfigMap's, else metallb-system). */
  namespace?: string;
}

function isConfigMap(doc: unknown): doc is { kind: 'ConfigMap'; metadata?: { name?: string } } {
  return typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'ConfigMap';
}

/** The MetalLB ConfigMap among the documents (the one holding data.config), else the text is the config itself. */
function convertText(text: string, options: ImportOptions): LegacyConversion {
  const docs = parseAllDocuments(text);
  for (const d of docs) {
    if (d.errors.length > 0)
      throw new ResourceError('input', '', `not YAML: ${d.errors[0].message.split('\n')[0]}`);
  }
  const values = docs.map((d): unknown => {
    try {
      return d.toJS(); // throws on aliases that would expand beyond bounds
    } catch (e) {
      throw new ResourceError('input', '', `not YAML: ${(e as Error).message}`);
    }
  });
  const configMaps = values.filter(isConfigMap);
  const metallb = configMaps.filter((c) => (c as { data?: { config?: unknown } }).data?.config !== undefined);
  if (configMaps.length > 0 && metallb.length === 0)
    throw new ResourceError('input', '', 'no ConfigMap with data.config (the MetalLB configuration) found');
  if (metallb.length > 1)
    throw new ResourceError('input', '', `${metallb.length} ConfigMaps hold data.config; give one`);
  if (metallb.length === 1) {
    const cm = metallb[0] as { metadata?: Record<string, unknown> };
    const namespaced = options.namespace
      ? { ...cm, metadata: { ...cm.metadata, namespace: options.namespace } }
      : cm;
    return convertLegacyConfigMap(namespaced);
  }
  if (values.length !== 1)
    throw new ResourceError('input', '', 'expected one MetalLB configuration document');
  return convertLegacyConfig(values[0], { namespace: options.namespace });
}

/** The YAML stream written to stdout: warnings as comments, then one document per resource. */
export function importMetalLb(
  text: string,
  options: ImportOptions = {},
): { yaml: string; warnings: string[] } {
  const { resources, warnings } = convertText(text, options);
  const header = [
    '# metallb.io resources converted from the legacy MetalLB ConfigMap by `herald import-metallb`.',
    ...warnings.map((w) => `# not announced: ${w.message}`),
  ];
  const body = resources.map((r) => stringify(r, { lineWidth: 0 }).trimEnd()).join('\n---\n');
  return { yaml: `${header.join('\n')}\n${body}\n`, warnings: warnings.map((w) => w.message) };
}

/** The command: exit 0 with the resources on stdout, 2 with the problem on stderr. */
export function importMetalLbCommand(file: string, options: ImportOptions): number {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    process.stderr.write(`herald: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const { yaml, warnings } = importMetalLb(text, options);
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(yaml);
    return 0;
  } catch (e) {
    if (!(e instanceof ResourceError)) throw e;
    process.stderr.write(`herald: ${e.message}\n`);
    return 2;
  }
}
