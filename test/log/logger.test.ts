// The logger: JSON or pretty output by HERALD_LOG_FORMAT and the terminal, level validation, and
// level changes at run time reaching child loggers.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLogger,
  isLogLevel,
  LOG_LEVELS,
  LogEvent,
  resolveLogFormat,
  setLogLevel,
} from '../../src/log/logger.js';

/** A destination that keeps what is written. */
function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const saved = { level: process.env.HERALD_LOG_LEVEL, format: process.env.HERALD_LOG_FORMAT };
afterEach(() => {
  for (const [key, value] of [
    ['HERALD_LOG_LEVEL', saved.level],
    ['HERALD_LOG_FORMAT', saved.format],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('log format', () => {
  it('is pretty on a terminal and JSON elsewhere unless HERALD_LOG_FORMAT says otherwise', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat('', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
    expect(() => resolveLogFormat('yaml', false)).toThrow(
      /HERALD_LOG_FORMAT "yaml": expected json or pretty/,
    );
  });

  it('writes one JSON object per line with the event, level, ISO time and pid', () => {
    const out = sink();
    const log = createLogger('info', { format: 'json', destination: out.stream });
    log
      .child({ peer: '192.0.2.1' })
      .info({ event: LogEvent.sessionUp, peerAsn: 64513 }, 'session established');
    const line = JSON.parse(out.text().trim());
    expect(line).toMatchObject({
      level: 30,
      pid: process.pid,
      peer: '192.0.2.1',
      event: 'sessionUp',
      peerAsn: 64513,
      msg: 'session established',
    });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('writes readable lines (no colours off a terminal) with HERALD_LOG_FORMAT=pretty', () => {
    process.env.HERALD_LOG_FORMAT = 'pretty';
    const out = sink();
    const log = createLogger('info', { destination: out.stream });
    log
      .child({ peer: '192.0.2.1' })
      .warn({ event: LogEvent.sessionDown, reason: 'holdTimerExpired' }, 'session down');
    const text = out.text();
    expect(text).toMatch(/^\[[\d-]+ [\d:.]+\] WARN: 192\.0\.2\.1 \[sessionDown\] session down\n/);
    expect(text).toContain('reason: "holdTimerExpired"');
    expect(text).not.toContain('\u001b[');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('follows HERALD_LOG_FORMAT=json', () => {
    process.env.HERALD_LOG_FORMAT = 'json';
    const out = sink();
    createLogger('info', { destination: out.stream }).info({ event: LogEvent.configLoaded }, 'loaded');
    expect(JSON.parse(out.text())).toMatchObject({ event: 'configLoaded', msg: 'loaded' });
  });
});

describe('log levels', () => {
  it('accepts exactly the seven level names', () => {
    expect(LOG_LEVELS).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
    expect(isLogLevel('debug')).toBe(true);
    expect(isLogLevel('DEBUG')).toBe(false);
    expect(isLogLevel('verbose')).toBe(false);
    expect(isLogLevel(30)).toBe(false);
  });

  it('takes the initial level from HERALD_LOG_LEVEL and rejects an unknown one by name', () => {
    process.env.HERALD_LOG_LEVEL = 'warn';
    expect(createLogger(undefined, { format: 'json', destination: sink().stream }).level).toBe('warn');
    process.env.HERALD_LOG_LEVEL = 'loud';
    expect(() => createLogger(undefined, { format: 'json' })).toThrow(
      'invalid HERALD_LOG_LEVEL "loud": expected one of trace, debug, info, warn, error, fatal, silent',
    );
    expect(() => createLogger('chatty', { format: 'json' })).toThrow(/invalid log level "chatty"/);
  });

  it('setLogLevel changes the level at run time, children included, and returns the previous one', () => {
    const out = sink();
    const log = createLogger('info', { format: 'json', destination: out.stream });
    const child = log.child({ peer: '192.0.2.1' });
    child.debug('hidden');
    expect(setLogLevel(log, 'debug')).toBe('info');
    child.debug({ event: 'stateChange' }, 'shown');
    expect(log.level).toBe('debug');
    expect(setLogLevel(log, 'error')).toBe('debug');
    child.warn('hidden too');
    log.error('an error');
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).msg);
    expect(lines).toEqual(['shown', 'an error']);
  });

  it('setLogLevel throws a clear Error for a bad level and leaves the level alone', () => {
    const log = createLogger('info', { format: 'json', destination: sink().stream });
    expect(() => setLogLevel(log, 'verbose')).toThrow(
      new Error(
        'invalid log level "verbose": expected one of trace, debug, info, warn, error, fatal, silent',
      ),
    );
    expect(() => setLogLevel(log, '')).toThrow(Error);
    expect(log.level).toBe('info');
    expect(setLogLevel(log, 'silent')).toBe('info');
    expect(log.level).toBe('silent');
  });
});

describe('LogEvent', () => {
  it('has the operator events, each named after itself', () => {
    for (const name of [
      'configReloaded',
      'configReloadFailed',
      'logLevelChanged',
      'healthCheckChanged',
      'neighborAdded',
      'neighborRemoved',
      'neighborReset',
    ]) {
      expect(LogEvent[name as keyof typeof LogEvent]).toBe(name);
    }
    for (const [key, value] of Object.entries(LogEvent)) expect(value).toBe(key);
  });
});

describe('secrets in log lines', () => {
  it('are redacted even when a caller logs them by mistake', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('info', { format: 'json', destination });
    log.info(
      {
        config: { api: { token: 'tok-1' }, neighbors: [{ address: '10.0.0.1', password: 'key-1' }] },
        token: 'tok-2',
      },
      'oops',
    );
    const text = lines.join('');
    expect(text).toContain('10.0.0.1');
    for (const secret of ['tok-1', 'key-1', 'tok-2']) expect(text).not.toContain(secret);
  });
});
