import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../config.ts';
import { formatLogLine, loggerOptions } from './logging.ts';

describe('the log at a terminal', () => {
  it('writes JSON lines as text beside the start banner', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 0, 5, 9, 30, 0),
      msg: 'request completed',
      req: { method: 'GET', route: '/staff/people/:id' },
      res: { statusCode: 200 },
      responseTime: 12.4,
    });
    const text = formatLogLine(line);
    assert.match(
      text,
      /^\d\d:\d\d:\d\d INFO {2}request completed GET \/staff\/people\/:id 200 12 ms$/,
    );
    assert.doesNotMatch(text, /[{}"]/);
    assert.match(
      formatLogLine(JSON.stringify({ level: 50, msg: 'failed', err: { message: 'no' } })),
      /ERROR failed: no$/,
    );
    assert.equal(formatLogLine('not json'), 'not json');
  });

  it('keeps JSON where no one is at a terminal, and in production', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    const terminal = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    const has = (options: unknown) => 'stream' in (options as object);
    assert.equal(has(loggerOptions(config, terminal)), true);
    assert.equal(has(loggerOptions(config, pipe)), false);
    assert.equal(
      has(
        loggerOptions(
          loadConfig({
            NODE_ENV: 'production',
            SESSION_SECRET: 'x'.repeat(40),
            BASE_URL: 'https://example.org',
          }),
          terminal,
        ),
      ),
      false,
    );
  });
});
