import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging.ts';

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
