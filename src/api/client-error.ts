// Requests Node's HTTP parser cannot read (not HTTP, a body without its length, headers past the
// limit, a client too slow to send them) are answered like every other API error — JSON with a
// stable code — and the connection is closed: nothing after the error in that stream can be
// trusted. node:http is not imported here: the API's listener loads it on the first connection.
import type { Duplex } from 'node:stream';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function answerFor(code: string | undefined): [number, string, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return [408, 'requestTimeout', 'the request was not received in time'];
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'headersTooLarge', 'the request headers are too large'];
  return [400, 'badRequest', `not a valid HTTP/1.1 request (${code ?? 'unreadable'})`];
}

/** The HTTP server's 'clientError' handler. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, error, message] = answerFor(err.code);
  const body = JSON.stringify({ error, message });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
}
