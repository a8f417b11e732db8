// The Node side of bench:propagation-floor, one script in three roles (each its own process):
//   relay LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT COUNT  what relay.go does, in Node
//   sink HOST PORT COUNT        accepts COUNT connections; per message and connection, prints the
//                               latency since the sender's clock in the message (one JSON line)
//   send HOST PORT TRIALS       sends TRIALS 19-octet messages 100-200 ms apart, each carrying its
//                               CLOCK_MONOTONIC time (process.hrtime.bigint, comparable across processes)
// Messages are 19 octets (a KEEPALIVE's size); both relays forward them unparsed.
import { connect, createServer, type Socket } from 'node:net';

const say = (o: object): boolean => process.stdout.write(`${JSON.stringify(o)}\n`);
const [role, ...args] = process.argv.slice(2);

function relay(listenHost: string, listenPort: number, host: string, port: number, count: number): void {
  const outs: Socket[] = [];
  for (let i = 0; i < count; i++) outs.push(connect({ host, port, noDelay: true }));
  createServer({ noDelay: true }, (input) => {
    input.on('data', (chunk) => {
      for (const o of outs) o.write(chunk);
    });
    input.on('close', () => process.exit(0));
  }).listen(listenPort, listenHost, () => say({ event: 'ready' }));
}

function sink(host: string, port: number, count: number): void {
  let connections = 0;
  createServer({ noDelay: true }, (s) => {
    const peer = connections++;
    if (connections === count) say({ event: 'ready' });
    s.on('data', (d) => {
      const now = process.hrtime.bigint();
      for (let at = 0; at + 19 <= d.length; at += 19)
        say({ event: 'arrival', peer, latencyUs: Number(now - d.readBigUInt64BE(at)) / 1e3 });
    });
  }).listen(port, host, () => say({ event: 'listening' }));
}

function send(host: string, port: number, trials: number): void {
  const s = connect({ host, port, noDelay: true }, () => {
    let sent = 0;
    const next = (): void => {
      if (sent++ === trials) {
        s.end();
        say({ event: 'done' });
        return;
      }
      const m = Buffer.alloc(19);
      m.writeBigUInt64BE(process.hrtime.bigint(), 0);
      s.write(m);
      setTimeout(next, 100 + Math.random() * 100);
    };
    setTimeout(next, 500);
  });
}

if (role === 'relay') relay(args[0], Number(args[1]), args[2], Number(args[3]), Number(args[4]));
else if (role === 'sink') sink(args[0], Number(args[1]), Number(args[2]));
else if (role === 'send') send(args[0], Number(args[1]), Number(args[2]));
else throw new Error(`unknown role ${role}`);
