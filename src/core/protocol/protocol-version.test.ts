import { describe, expect, it } from 'vitest';
import { isNewerProtocol, PROTOCOL_VERSION } from './protocol-version.ts';
import { parseServerFrame } from './server-frame-schemas.ts';

const base = { connection_id: 'c1', heartbeat_ms: 25_000, server_time: '2025-01-01T00:00:00.000Z' };

describe('protocol_version in ready', () => {
  it('parses a ready with the field, and one without it (an older server, CONTRACT rule 1)', () => {
    expect(parseServerFrame({ type: 'ready', data: { ...base, protocol_version: PROTOCOL_VERSION } })).toEqual({
      ok: true,
      frame: { type: 'ready', data: { ...base, protocol_version: PROTOCOL_VERSION } },
    });
    expect(parseServerFrame(JSON.stringify({ type: 'ready', data: base }))).toEqual({ ok: true, frame: { type: 'ready', data: base } });
  });

  it.each([0, 1.5, '1', null])('rejects a ready whose protocol_version is %j', (version) => {
    const result = parseServerFrame({ type: 'ready', data: { ...base, protocol_version: version } });
    expect(result).toMatchObject({ ok: false, type: 'ready' });
  });

  it('counts only a higher version as newer; none at all is accepted', () => {
    expect(isNewerProtocol(PROTOCOL_VERSION + 1)).toBe(true);
    expect(isNewerProtocol(PROTOCOL_VERSION)).toBe(false);
    expect(isNewerProtocol(undefined)).toBe(false);
    expect(isNewerProtocol(null)).toBe(false);
  });
});
