// Raw bytes to an HTTP listener and everything it answers until it closes the connection (bounded).
import { connect, type NetConnectOpts } from 'node:net';

export function rawExchange(to: NetConnectOpts, bytes: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(to, () => socket.write(bytes));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      received += c;
    });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no close within ${timeoutMs} ms: ${received}`)),
      timeoutMs,
    );
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** Status code and JSON body of a raw HTTP/1.1 answer. */
export function parseRawAnswer(text: string): { status: number; body: unknown } {
  const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
}
