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

describe('redactUrl, after decoding', () => {
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

  it('redacts a credential parameter whatever the percent-encoding or case of its name', () => {
    expect(redactUrl(`/ws?%74oken=${JWT}`)).toBe('/ws?%74oken=[redacted]');
    expect(redactUrl(`/ws?%74%6F%6B%65%6E=${JWT}&a=1`)).toBe('/ws?%74%6F%6B%65%6E=[redacted]&a=1');
    expect(redactUrl('/x?TOKEN=abc&Access_Token=def')).toBe('/x?TOKEN=[redacted]&Access_Token=[redacted]');
    expect(redactUrl('/x?visitor%5Ftoken=abc&IDENTITY%5fTOKEN=def')).toBe('/x?visitor%5Ftoken=[redacted]&IDENTITY%5fTOKEN=[redacted]');
    expect(redactUrl('/x?%65mail=victim%40example.com&E%4DAIL=v@example.com')).toBe('/x?%65mail=[redacted]&E%4DAIL=[redacted]');
    expect(redactUrl('/x?+token=abc&to%6Bens=keep')).toBe('/x?+token=[redacted]&to%6Bens=keep');
  });

  it('redacts anything shaped like a token, escaped or not, in the path and in any parameter', () => {
    expect(redactUrl('/api/v1/chat/public/demo/%76t%5FAbCdEfGh1234/threads')).toBe('/api/v1/chat/public/demo/vt_[redacted]/threads');
    expect(redactUrl(`/x?next=${encodeURIComponent(JWT)}&b=2`)).toBe('/x?next=[redacted]&b=2');
    expect(redactUrl('/x?k=ama%5Feat_AbCdEfGh1234')).toBe('/x?k=ama_eat_[redacted]');
    expect(redactUrl('/x?k=%E2%9C%93&q=a%20b')).toBe('/x?k=%E2%9C%93&q=a%20b');
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
