// Gives the C heap's free pages back to the kernel with glibc's malloc_trim(3). Starting leaves
// several MB freed but still resident in glibc's arenas — the scratch memory V8's parser and
// compilers used for every module and for the config schema's generated validator — so the
// daemon calls this once it runs and after each reload (issue 19: ~5 MB of idle RSS).
import type * as Koffi from 'koffi';
import { loadNativeLibrary } from './libc.js';

let trim: ReturnType<Koffi.IKoffiLib['func']> | null | undefined;

/** malloc_trim(0). False where there is no such function (musl) or no koffi; never throws. */
export function releaseFreeMemory(): boolean {
  if (trim === undefined) {
    const native = loadNativeLibrary();
    try {
      trim = native instanceof Error ? null : native.lib.func('int malloc_trim(size_t pad)');
    } catch {
      trim = null;
    }
  }
  if (trim === null) return false;
  trim(0);
  return true;
}
