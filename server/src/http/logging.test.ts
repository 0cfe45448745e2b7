import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging.ts';

describe('redactUrl', () => {
  it('removes token values wherever they sit in the query', () => {
    expect(redactUrl('/api/v1/chat/ws/user/threads?token=eyJabc.def.ghi')).toBe('/api/v1/chat/ws/user/threads?token=[redacted]');
    expect(redactUrl('/x?a=1&token=secret&b=2')).toBe('/x?a=1&token=[redacted]&b=2');
    expect(redactUrl('/x?access_token=s#frag')).toBe('/x?access_token=[redacted]#frag');
    expect(redactUrl('/x?tokens=keep')).toBe('/x?tokens=keep');
  });
});
