// koffi, loaded as its native addon. The package's entry script (index.js) first loads its own
// installer's helpers — node:crypto, node:https and node:zlib, to download prebuilt binaries —
// which cost ~4 MB of resident memory in a process that never downloads anything (issue 19: idle
// footprint paid on every node). The addon itself is the whole API; the entry script only adds two
// functions deprecated since koffi 2.1 and 2.4. Where the prebuilt addon for this platform is not
// where koffi ships it (another layout, a bundler), the package is required as usual.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Koffi from 'koffi';

const require = createRequire(import.meta.url);

/** koffi's name for this CPU in its build directories (`build/koffi/<libc>_<arch>/koffi.node`). */
const KOFFI_ARCH: Readonly<Record<string, string>> = { arm: 'armhf', riscv64: 'riscv64d' };

/** The prebuilt addons that may fit this process, glibc's before musl's (koffi's own order). */
function addonCandidates(root: string): string[] {
  const arch = KOFFI_ARCH[process.arch] ?? process.arch;
  const systems = process.platform === 'linux' ? ['linux', 'musl'] : [process.platform];
  return systems.map((system) => join(root, 'build', 'koffi', `${system}_${arch}`, 'koffi.node'));
}

function loadAddon(): typeof Koffi | undefined {
  const manifest = require.resolve('koffi/package.json');
  const { version } = require(manifest) as { version: string };
  for (const file of addonCandidates(dirname(manifest))) {
    if (!existsSync(file)) continue;
    try {
      const addon = require(file) as typeof Koffi & { version?: string };
      // The addon refuses nothing by itself; a stale one beside a newer package would misbehave.
      if (addon.version === version) return addon;
    } catch {
      // Not loadable here (musl's build on glibc, or the reverse): try the next one.
    }
  }
  return undefined;
}

let koffi: typeof Koffi | undefined;

/** koffi's API (throws as `require('koffi')` does when it cannot be loaded). */
export function requireKoffi(): typeof Koffi {
  koffi ??= loadAddon() ?? (require('koffi') as typeof Koffi);
  return koffi;
}
