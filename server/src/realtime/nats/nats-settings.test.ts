import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { parseNatsSettings } from './nats-settings.ts';

describe('parseNatsSettings', () => {
  it('is off without NATS_URL', () => {
    expect(parseNatsSettings({})).toBeNull();
    expect(parseNatsSettings({ NATS_URL: ' ' })).toBeNull();
  });

  it('takes one URL or a list, with the org "local" by default', () => {
    expect(parseNatsSettings({ NATS_URL: 'nats://127.0.0.1:4222' })).toEqual({ servers: ['nats://127.0.0.1:4222'], org: 'local' });
    expect(parseNatsSettings({ NATS_URL: 'nats://a:4222, tls://b:4222', NATS_ORG: 'acme' })).toEqual({
      servers: ['nats://a:4222', 'tls://b:4222'],
      org: 'acme',
    });
  });

  it('takes credentials out of the URL, so that the servers can be logged', () => {
    expect(parseNatsSettings({ NATS_URL: 'nats://me:s%40cret@nats.example:4222' })).toEqual({
      servers: ['nats://nats.example:4222'],
      user: 'me',
      pass: 's@cret',
      org: 'local',
    });
    expect(parseNatsSettings({ NATS_URL: 'nats://tok3n@nats.example:4222' })).toMatchObject({ token: 'tok3n' });
  });

  it('refuses what is not a NATS URL in words, without repeating a password', () => {
    for (const raw of ['http://me:hunter2@host:4222', 'me:hunter2@host', 'nats://me:hunter2@host:4222/path']) {
      let message = '';
      try {
        parseNatsSettings({ NATS_URL: raw });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^NATS_URL /);
      expect(message).not.toContain('hunter2');
    }
    expect(() => parseNatsSettings({ NATS_URL: 'nats://h:4222', NATS_ORG: 'a.b' })).toThrow(/NATS_ORG must be/);
  });

  it('is part of the server configuration: off by default, a ConfigError when wrong', () => {
    expect(loadConfig({ DATABASE_PATH: ':memory:' }).nats).toBeNull();
    expect(loadConfig({ DATABASE_PATH: ':memory:', NATS_URL: 'nats://127.0.0.1:4222' }).nats?.servers).toEqual(['nats://127.0.0.1:4222']);
    expect(() => loadConfig({ DATABASE_PATH: ':memory:', NATS_URL: 'redis://x' })).toThrow(ConfigError);
  });
});
