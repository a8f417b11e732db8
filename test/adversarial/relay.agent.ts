// Runs inside a test namespace: a TCP relay for the raw speaker of the adversarial suite, which
// lives in the test process (host namespace) and cannot open sockets in the namespace itself.
//
//   node --import tsx relay.agent.ts <unix socket path>
//
// Each connection to the unix socket starts with one JSON line
// `{"local":"10.0.0.100","host":"10.0.0.1","port":179,"split":false}`; the relay then opens a TCP
// connection from `local` to `host:port` (TCP_NODELAY) and copies bytes both ways, verbatim. With
// `split` every octet towards `host` is its own write (so its own segment), each written once the
// previous one has left. Either side closing closes the other.
import net from 'node:net';

const path = process.argv[2];
if (!path) throw new Error('usage: relay.agent.ts <unix socket>');

interface Header {
  local: string;
  host: string;
  port: number;
  split?: boolean;
}

/** Writes `data` one octet per write, each after the previous one was handed to the kernel. */
async function writeSplit(tcp: net.Socket, data: Buffer): Promise<void> {
  for (let i = 0; i < data.length && !tcp.destroyed; i++) {
    await new Promise<void>((resolve) => tcp.write(data.subarray(i, i + 1), () => resolve()));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function relay(client: net.Socket, h: Header, rest: Buffer): void {
  const tcp = net.connect({ host: h.host, port: h.port, localAddress: h.local });
  tcp.setNoDelay(true);
  let queue = Promise.resolve();
  const forward = (d: Buffer) => {
    if (!h.split) {
      tcp.write(d);
      return;
    }
    client.pause();
    queue = queue
      .then(() => writeSplit(tcp, d))
      .then(() => {
        client.resume();
      });
  };
  tcp.on('connect', () => {
    if (rest.length > 0) forward(rest);
    client.on('data', forward);
    client.resume();
  });
  tcp.on('data', (d) => client.write(d));
  tcp.on('end', () => client.end());
  tcp.on('close', () => client.end());
  tcp.on('error', () => client.destroy());
  client.on('end', () => queue.then(() => tcp.end()));
  client.on('error', () => tcp.destroy());
  client.on('close', () => tcp.destroy());
}

const server = net.createServer((client) => {
  let head = Buffer.alloc(0);
  const onHead = (d: Buffer) => {
    head = Buffer.concat([head, d]);
    const nl = head.indexOf(10);
    if (nl < 0) return;
    client.off('data', onHead);
    client.pause(); // until the TCP connection is up
    relay(client, JSON.parse(head.subarray(0, nl).toString('utf8')) as Header, head.subarray(nl + 1));
  };
  client.on('data', onHead);
  client.on('error', () => {});
});
server.listen(path);
process.on('SIGTERM', () => process.exit(0));
