// Bindings for descriptors Node cannot watch itself (netlink sockets, a raw ICMPv6 socket):
// recv(2)/send(2) with MSG_DONTWAIT, sendto(2), getsockname(2), eventfd(2), read(2)/write(2), and
// poll(2) — which blocks, so it is made only through koffi's `.async()`, i.e. on a worker thread,
// never on the event loop. send(2) has an async form too: an rtnetlink request is executed inside
// sendmsg, and installing routes can take the kernel 100 ms and more at times (fib_trie frees
// nodes with synchronize_rcu()).
// socket/bind/setsockopt/close come from libc.ts (loadLibc()); this file adds what it lacks.
//
// Constants (Debian 12 headers, generic Linux ABI as in libc.ts):
//   <bits/socket.h>     AF_NETLINK 16, SOCK_RAW 3, MSG_TRUNC 0x20, MSG_DONTWAIT 0x40, SOL_NETLINK 270
//   <asm-generic/socket.h> SO_SNDBUF 7, SO_RCVBUF 8, SO_SNDBUFFORCE 32, SO_RCVBUFFORCE 33
//   <bits/poll.h>       POLLIN 1, POLLERR 8, POLLHUP 16, POLLNVAL 32; struct pollfd is 8 bytes
//   <sys/eventfd.h>     EFD_CLOEXEC 0o2000000, EFD_NONBLOCK 0o4000
//   <asm-generic/errno-base.h, errno.h> EINTR 4, EIO 5, EAGAIN 11, ENOBUFS 105
//   <asm-generic/socket.h> SO_ATTACH_FILTER 26; struct sock_fprog { u16 len; struct sock_filter *filter; }

import { type Libc, loadLibc, loadNativeLibrary, SOL_SOCKET } from './libc.js';

export const AF_NETLINK = 16;
export const SOCK_RAW = 3;
export const SOL_NETLINK = 270;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const POLLIN = 1;
export const POLLERR = 8;
export const POLLHUP = 16;
export const POLLNVAL = 32;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;
export const EINTR = 4;
export const EAGAIN = 11;
export const EIO = 5;
export const ENOBUFS = 105;

export interface IoLibc extends Libc {
  send(fd: number, buf: Buffer, len: number, flags: number): number;
  /** send(2) on a worker thread; `buf` must stay referenced until `done`. errno is not available. */
  sendAsync(
    fd: number,
    buf: Buffer,
    len: number,
    flags: number,
    done: (err: unknown, rc: number) => void,
  ): void;
  recv(fd: number, buf: Buffer, len: number, flags: number): number;
  /** sendto(2) to `addr` (a sockaddr of `addrLen` octets): a raw socket's datagrams (Router Advertisements). */
  sendto(fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, addrLen: number): number;
  getsockname(fd: number, addr: Buffer, len: Buffer): number;
  eventfd(initval: number, flags: number): number;
  read(fd: number, buf: Buffer, len: number): number;
  write(fd: number, buf: Buffer, len: number): number;
  /** poll(2) on a worker thread; `fds` (struct pollfd[]) must stay referenced until `done`. */
  pollAsync(fds: Buffer, nfds: number, timeoutMs: number, done: (err: unknown, rc: number) => void): void;
  /** setsockopt(SO_ATTACH_FILTER) with `program`, `count` struct sock_filter (see netlink-filter.ts). */
  attachFilter(fd: number, program: Buffer, count: number): number;
}

const SO_ATTACH_FILTER = 26;

let cached: IoLibc | Error | undefined;

export function loadIoLibc(): IoLibc | Error {
  cached ??= doLoad();
  return cached;
}

function doLoad(): IoLibc | Error {
  const libc = loadLibc();
  if (libc instanceof Error) return libc;
  const native = loadNativeLibrary();
  if (native instanceof Error) return native;
  const { koffi, lib } = native;
  try {
    const send = lib.func('intptr_t send(int fd, const void *buf, size_t len, int flags)');
    const recv = lib.func('intptr_t recv(int fd, _Out_ void *buf, size_t len, int flags)');
    const sendto = lib.func(
      'intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t alen)',
    );
    const getsockname = lib.func('int getsockname(int fd, _Out_ void *addr, _Inout_ uint32_t *len)');
    const eventfd = lib.func('int eventfd(unsigned int initval, int flags)');
    const read = lib.func('intptr_t read(int fd, _Out_ void *buf, size_t len)');
    const write = lib.func('intptr_t write(int fd, const void *buf, size_t len)');
    // Plain `void *` (not _Inout_): koffi hands the Buffer's own memory to poll(), which fills in
    // revents where the callback reads them.
    const poll = lib.func('int poll(void *fds, unsigned long nfds, int timeout)');
    // koffi lays the struct out as the C ABI does and passes the Buffer's memory as the pointer.
    const fprog = koffi.struct('herald_sock_fprog', { len: 'uint16', filter: 'void *' });
    const setFilter = lib.func(
      'int setsockopt(int fd, int level, int name, const herald_sock_fprog *v, uint32_t len)',
    );
    return {
      ...libc,
      send: (fd, buf, len, flags) => Number(send(fd, buf, len, flags)),
      sendAsync: (fd, buf, len, flags, done) =>
        send.async(fd, buf, len, flags, (err: unknown, rc: unknown) => done(err, Number(rc))),
      recv: (fd, buf, len, flags) => Number(recv(fd, buf, len, flags)),
      sendto: (fd, buf, len, flags, addr, addrLen) => Number(sendto(fd, buf, len, flags, addr, addrLen)),
      getsockname: (fd, addr, len) => getsockname(fd, addr, len) as number,
      eventfd: (initval, flags) => eventfd(initval, flags) as number,
      read: (fd, buf, len) => Number(read(fd, buf, len)),
      write: (fd, buf, len) => Number(write(fd, buf, len)),
      pollAsync: (fds, nfds, timeoutMs, done) => poll.async(fds, nfds, timeoutMs, done),
      attachFilter: (fd, program, count) =>
        setFilter(
          fd,
          SOL_SOCKET,
          SO_ATTACH_FILTER,
          { len: count, filter: program },
          koffi.sizeof(fprog),
        ) as number,
    };
  } catch (err) {
    return new Error(`cannot bind libc I/O functions: ${(err as Error).message}`);
  }
}
