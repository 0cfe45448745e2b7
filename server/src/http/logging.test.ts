import Fastify from 'fastify';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lazyChildLoggerFactory, loggerOptions, redactUrl } from './logging.ts';

describe('redactUrl', () => {
  it('removes token values wherever they sit in the query', () => {
    expect(redactUrl('/api/v1/chat/ws/user/threads?token=eyJabc.def.ghi')).toBe('/api/v1/chat/ws/user/threads?token=[redacted]');
    expect(redactUrl('/x?a=1&token=secret&b=2')).toBe('/x?a=1&token=[redacted]&b=2');
    expect(redactUrl('/x?access_token=s#frag')).toBe('/x?access_token=[redacted]#frag');
    expect(redactUrl('/x?tokens=keep')).toBe('/x?tokens=keep');
  });

  it('removes visitor emails and visitor tokens, in the query and in the path', () => {
    expect(redactUrl('/api/v1/chat/ws/public/demo/threads/t1?email=victim%40example.com')).toBe(
      '/api/v1/chat/ws/public/demo/threads/t1?email=[redacted]',
    );
    expect(redactUrl('/x?last_thread_seq=0&EMAIL=victim@example.com&b=2')).toBe('/x?last_thread_seq=0&EMAIL=[redacted]&b=2');
    expect(redactUrl('/x?visitor_token=vt_abc&identity_token=eyJ.x.y')).toBe('/x?visitor_token=[redacted]&identity_token=[redacted]');
    expect(redactUrl('/api/v1/chat/public/demo/vt_AbCdEfGh1234_-xyz/threads')).toBe('/api/v1/chat/public/demo/vt_[redacted]/threads');
    expect(redactUrl('/x?emails=keep&q=vt_short')).toBe('/x?emails=keep&q=vt_short');
  });
});

describe('request loggers made on first use', () => {
  it('write the lines an eager child would, with the request id, and nothing below the level', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = Fastify({ logger: loggerOptions('warn', stream), childLoggerFactory: lazyChildLoggerFactory });
    app.get('/quiet', async (request) => {
      request.log.info('not at warn');
      request.log.debug({ detail: 1 }, 'nor this');
      return { level: request.log.level };
    });
    app.get('/loud', async (request) => {
      request.log.warn({ token: 'secret-value', thread_id: 't1' }, 'something to see');
      request.log.child({ part: 'inner' }).error('from a grandchild');
      return {};
    });
    expect((await app.inject({ method: 'GET', url: '/quiet' })).json()).toEqual({ level: 'warn' });
    expect(lines).toEqual([]);
    await app.inject({ method: 'GET', url: '/loud' });
    await app.close();
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, reqId: 'req-2', token: '[redacted]', thread_id: 't1', msg: 'something to see' }),
      expect.objectContaining({ level: 50, reqId: 'req-2', part: 'inner', msg: 'from a grandchild' }),
    ]);
  });
});
