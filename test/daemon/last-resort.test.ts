// The last-resort handlers of `herald run`: an unhandled rejection is logged and the process goes
// on; an uncaught exception is logged and hands over to the orderly stop.
import { describe, expect, it } from 'vitest';
import { installLastResortHandlers } from '../../src/daemon/last-resort.js';
import type { Logger } from '../../src/log/logger.js';

function recordingLog() {
  const lines: { level: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>) => lines.push({ level, fields });
  return { lines, log: { error: at('error'), fatal: at('fatal') } as unknown as Logger };
}

describe('last-resort handlers', () => {
  it('log an unhandled rejection with its stack and keep running', () => {
    const { lines, log } = recordingLog();
    const fatal: unknown[] = [];
    const remove = installLastResortHandlers(log, (e) => fatal.push(e));
    try {
      process.emit('unhandledRejection', new Error('lost promise'), Promise.resolve());
    } finally {
      remove();
    }
    expect(lines).toEqual([
      {
        level: 'error',
        fields: expect.objectContaining({ event: 'unhandledRejection', err: 'lost promise' }),
      },
    ]);
    expect(fatal).toEqual([]);
  });

  it('log an uncaught exception as fatal and call for the orderly stop', () => {
    const { lines, log } = recordingLog();
    const fatal: unknown[] = [];
    const remove = installLastResortHandlers(log, (e) => fatal.push(e));
    const boom = new TypeError('boom');
    try {
      process.emit('uncaughtException', boom);
    } finally {
      remove();
    }
    expect(lines[0]).toMatchObject({ level: 'fatal', fields: { event: 'uncaughtException', err: 'boom' } });
    expect(fatal).toEqual([boom]);
  });

  it('are removed again', () => {
    const before = process.listenerCount('unhandledRejection');
    const remove = installLastResortHandlers(recordingLog().log, () => {});
    expect(process.listenerCount('unhandledRejection')).toBe(before + 1);
    remove();
    expect(process.listenerCount('unhandledRejection')).toBe(before);
  });
});
