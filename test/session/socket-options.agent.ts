// Child process for test/session/socket-options.test.ts, started inside a network namespace with
// `ip netns exec NS node --import tsx test/session/socket-options.agent.ts`.
//
// Protocol: one JSON request per stdin line ({ id, op, ... }), one JSON reply per stdout line
// ({ id, ok, ... }); listeners also print unsolicited { event: 'accept', listener, ... } lines.
// Every wait in here is bounded by the request's own limits. Exits when stdin closes.

import { readdirSync } from 'node:fs';
import type net from 'node:net';
import { createInterface } from 'node:readline';
import {
  type ConnectTcpOptions,
  connectTcp,
  type ListenTcpOptions,
  listenTcp,
  setPeerMd5,
  setSocketMinTtl,
  setSocketTtl,
} from '../../src/session/socket-options.js';

interface ListenRequest {
  id: number;
  op: 'listen';
  opts: ListenTcpOptions;
  /** Send `hello <remote>\n` to every accepted connection. */
  greet?: boolean;
  /** setSocketTtl / setSocketMinTtl on accepted sockets, before greeting. */
  acceptTtl?: number;
  acceptMinTtl?: number;
  /** Report the first bytes received on an accepted socket within this many ms (default 2000). */
  readMs?: number;
}

interface ConnectRequest {
  id: number;
  op: 'connect';
  opts: ConnectTcpOptions;
  /** Write this after connecting (after `sendDelayMs`, default 0). */
  send?: string;
  sendDelayMs?: number;
  /** Wait this long for the first bytes from the peer (default 0: do not wait). */
  readMs?: number;
}

type Request =
  | ListenRequest
  | ConnectRequest
  | { id: number; op: 'setPeerMd5'; listener: number; address: string; key?: string }
  | { id: number; op: 'close'; listener: number }
  | { id: number; op: 'fds' };

const listeners = new Map<number, net.Server>();
const sockets = new Set<net.Socket>();

function out(msg: object): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

function firstData(socket: net.Socket, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), ms);
    const onData = (chunk: Buffer) => done(chunk.toString('hex'));
    const onEnd = () => done(null);
    function done(v: string | null) {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onEnd);
      resolve(v);
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
}

function track(socket: net.Socket): void {
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
}

async function handle(req: Request): Promise<object> {
  switch (req.op) {
    case 'listen': {
      const server = await listenTcp(req.opts);
      listeners.set(req.id, server);
      server.on('connection', (socket) => {
        track(socket);
        if (req.acceptTtl !== undefined) setSocketTtl(socket, req.acceptTtl);
        if (req.acceptMinTtl !== undefined) setSocketMinTtl(socket, req.acceptMinTtl);
        if (req.greet) socket.write(`hello ${socket.remoteAddress}\n`);
        void firstData(socket, req.readMs ?? 2000).then((data) => {
          out({
            event: 'accept',
            listener: req.id,
            remoteAddress: socket.remoteAddress,
            remotePort: socket.remotePort,
            data,
          });
          socket.destroy();
        });
      });
      const addr = server.address() as net.AddressInfo;
      return { port: addr.port, address: addr.address };
    }
    case 'connect': {
      const t0 = performance.now();
      try {
        const socket = await connectTcp(req.opts);
        const elapsedMs = performance.now() - t0;
        track(socket);
        const info = {
          localAddress: socket.localAddress,
          localPort: socket.localPort,
          remoteAddress: socket.remoteAddress,
          remotePort: socket.remotePort,
        };
        if (req.sendDelayMs) await new Promise((r) => setTimeout(r, req.sendDelayMs));
        if (req.send !== undefined) socket.write(req.send);
        const data = req.readMs ? await firstData(socket, req.readMs) : null;
        // Let a `send` reach the peer before closing.
        socket.end();
        setTimeout(() => socket.destroy(), 500).unref();
        return { connected: true, elapsedMs, ...info, data };
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        return { connected: false, elapsedMs: performance.now() - t0, code: e.code, message: e.message };
      }
    }
    case 'setPeerMd5': {
      const server = listeners.get(req.listener);
      if (server === undefined) throw new Error(`no listener ${req.listener}`);
      setPeerMd5(server, req.address, req.key);
      return {};
    }
    case 'close': {
      const server = listeners.get(req.listener);
      listeners.delete(req.listener);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      return {};
    }
    case 'fds':
      return { fds: readdirSync('/proc/self/fd').length };
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  const req = JSON.parse(line) as Request;
  handle(req).then(
    (res) => out({ id: req.id, ok: true, ...res }),
    (err: NodeJS.ErrnoException) => out({ id: req.id, ok: false, code: err.code, message: err.message }),
  );
});
rl.on('close', () => {
  for (const s of sockets) s.destroy();
  for (const l of listeners.values()) l.close();
  setTimeout(() => process.exit(0), 100).unref();
});
out({ event: 'ready', pid: process.pid });
