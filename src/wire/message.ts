// One entry point from a framed message to a typed value. Throws a Notification for anything the
// RFCs answer with a session reset.
import type { CodecContext } from './context.js';
import type { Notification } from './errors.js';
import type { Frame } from './framer.js';
import { decodeNotification } from './notification.js';
import { decodeOpen, type OpenMessage } from './open.js';
import { MessageType } from './registry.js';
import { decodeRouteRefresh, type RouteRefresh } from './route-refresh.js';
import { type DecodedUpdate, decodeUpdate } from './update.js';

export type BgpMessage =
  | { readonly type: 'open'; readonly open: OpenMessage }
  | { readonly type: 'update'; readonly update: DecodedUpdate }
  | { readonly type: 'notification'; readonly notification: Notification }
  | { readonly type: 'keepalive' }
  | { readonly type: 'route-refresh'; readonly routeRefresh: RouteRefresh };

export function decodeMessage(frame: Frame, ctx: CodecContext): BgpMessage {
  switch (frame.type) {
    case MessageType.OPEN:
      return { type: 'open', open: decodeOpen(frame.body) };
    case MessageType.UPDATE:
      return { type: 'update', update: decodeUpdate(frame.body, ctx) };
    case MessageType.NOTIFICATION:
      return { type: 'notification', notification: decodeNotification(frame.body) };
    case MessageType.ROUTE_REFRESH:
      return { type: 'route-refresh', routeRefresh: decodeRouteRefresh(frame.body, frame.message) };
    default:
      // The framer admits only the five known types.
      return { type: 'keepalive' };
  }
}
