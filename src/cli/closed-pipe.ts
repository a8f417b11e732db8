// A reader that goes away (`herald routes | head`) ends the command quietly, exit 0, as with
// `vtysh` or `birdc`: not an unhandled EPIPE with a stack trace and exit 1 (the code of "daemon
// unreachable"). Only for commands that print; the daemon's own output is not cut short this way.

const quiet = new WeakSet<NodeJS.WritableStream>();

/** Exits 0 on EPIPE from `out` (set once per stream); any other error is thrown. */
export function quietOnClosedPipe(out: NodeJS.WritableStream = process.stdout): void {
  if (quiet.has(out)) return;
  quiet.add(out);
  out.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
