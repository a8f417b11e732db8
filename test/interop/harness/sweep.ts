// Removes what earlier harness runs left behind (e.g. with KEEP_NETNS=1, or after a SIGKILL):
// namespaces hr<pid>x<n>… whose creating process is gone, the processes inside them, and their
// /tmp/herald-interop-* directories. Run as root: npx tsx test/interop/harness/sweep.ts
import { sweepStale } from './netns.js';

const removed = await sweepStale();
console.log(removed.length ? `removed ${removed.join(' ')}` : 'nothing to remove');
