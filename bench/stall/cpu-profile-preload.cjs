// Preloaded into Herald by bench/stall.bench.ts (NODE_OPTIONS=--require …; --cpu-prof itself is
// not allowed there): profiles the main thread through the inspector and writes the profile to
// $STALL_PROFILE_DIR when the process exits. The in-thread inspector session answers synchronously,
// so the profile can be taken in the 'exit' handler. Garbage collections of 10 ms or more are
// written beside it (gc-<pid>.json: start ms since the process began, duration, kind).
const { isMainThread } = require('node:worker_threads');
const dir = process.env.STALL_PROFILE_DIR;
if (isMainThread && dir) {
  const { Session } = require('node:inspector');
  const { writeFileSync } = require('node:fs');
  const { join } = require('node:path');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  const { PerformanceObserver, constants } = require('node:perf_hooks');
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  const gcs = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.duration >= 10)
        gcs.push({ at: Math.round(e.startTime), ms: Math.round(e.duration), kind: kinds[e.detail?.kind] });
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    writeFileSync(join(dir, `gc-${process.pid}.json`), JSON.stringify(gcs));
    session.post('Profiler.stop', (err, r) => {
      if (!err) writeFileSync(join(dir, `herald-${process.pid}.cpuprofile`), JSON.stringify(r.profile));
    });
  });
}
