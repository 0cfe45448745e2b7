import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const BASE = { DATABASE_PATH: ':memory:' };
const KEY = randomBytes(32);
/** PostgreSQL needs the data encryption key from the environment. */
const KEYED = { ...BASE, DATA_ENCRYPTION_KEY: KEY.toString('base64') };
const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('loadConfig', () => {
  it('listens on loopback and answers the loopback names by default (CONTRACT §10)', () => {
    const config = loadConfig(BASE);
    expect(config.host).toBe('127.0.0.1');
    expect(config.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('uses SQLite unless DATABASE_URL names a PostgreSQL database; another URL is a configuration error', () => {
    expect(loadConfig(BASE).databaseUrl).toBeNull();
    expect(loadConfig({ ...KEYED, DATABASE_URL: 'postgres://ama2:pw@db:5432/chat' }).databaseUrl).toBe('postgres://ama2:pw@db:5432/chat');
    expect(() => loadConfig({ ...BASE, DATABASE_URL: 'mysql://ama2:pw@db/chat' })).toThrow(ConfigError);
  });

  it('takes HOST and ALLOWED_HOSTS from the environment', () => {
    const config = loadConfig({ ...BASE, HOST: '0.0.0.0', ALLOWED_HOSTS: 'chat.example.com, 10.0.0.5' });
    expect(config.host).toBe('0.0.0.0');
    expect(config.allowedHosts).toEqual(['chat.example.com', '10.0.0.5']);
  });

  it('trusts no proxy unless TRUST_PROXY says how many or which; a bad value is a configuration error', () => {
    expect(loadConfig(BASE).trustProxy).toBeNull();
    expect(loadConfig({ ...BASE, TRUST_PROXY: '1' }).trustProxy).toEqual({ hops: 1 });
    expect(loadConfig({ ...BASE, TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toMatchObject({ listed: ['10.0.0.0/8'] });
    expect(() => loadConfig({ ...BASE, TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, TRUST_PROXY: 'lb.internal' })).toThrow(ConfigError);
  });

  it('keeps webhooks off private networks unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is true', () => {
    expect(loadConfig(BASE).webhookAllowPrivateNetworks).toBe(false);
    expect(loadConfig({ ...BASE, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).webhookAllowPrivateNetworks).toBe(true);
    expect(loadConfig({ ...BASE, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }).webhookAllowPrivateNetworks).toBe(false);
    expect(() => loadConfig({ ...BASE, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(
      'WEBHOOK_ALLOW_PRIVATE_NETWORKS must be "true" or "false", got "yes".',
    );
  });

  it('limits sign-ins per address, and failed sign-ins per account and address and per account, configurably', () => {
    expect(loadConfig(BASE).loginLimits).toEqual({
      perAddressPerMinute: 60,
      failuresPerAccountAndAddress: 10,
      failuresPerAccountPerHour: 100,
    });
    expect(
      loadConfig({
        ...BASE,
        RATE_LIMIT_LOGINS_PER_MIN: '5',
        RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN: '3',
        RATE_LIMIT_LOGIN_FAILURES_PER_HOUR: '20',
      }).loginLimits,
    ).toEqual({ perAddressPerMinute: 5, failuresPerAccountAndAddress: 3, failuresPerAccountPerHour: 20 });
    expect(() => loadConfig({ ...BASE, RATE_LIMIT_LOGINS_PER_MIN: '0' })).toThrow(
      'RATE_LIMIT_LOGINS_PER_MIN must be a whole number from 1 to 1000000, got "0".',
    );
  });

  it('caps what an SSE reader may fall behind, 4 MiB by default like the sockets', () => {
    expect(loadConfig(BASE).sseMaxBufferedBytes).toBe(4 * 1024 * 1024);
    expect(loadConfig({ ...BASE, SSE_MAX_BUFFERED_BYTES: '65536' }).sseMaxBufferedBytes).toBe(65_536);
    expect(() => loadConfig({ ...BASE, SSE_MAX_BUFFERED_BYTES: '10' })).toThrow(/SSE_MAX_BUFFERED_BYTES must be a whole number from 16384/);
  });

  it('seeds demo data by default, but not when DATABASE_URL names a deployment; DEMO_DATA decides either way', () => {
    expect(loadConfig(BASE).demoData).toBe(true);
    expect(loadConfig({ ...KEYED, DATABASE_URL: 'postgres://db.example/chat' }).demoData).toBe(false);
    expect(loadConfig({ ...KEYED, DATABASE_URL: 'postgres://db.example/chat', DEMO_DATA: 'true' }).demoData).toBe(true);
    expect(loadConfig({ ...BASE, DEMO_DATA: 'false' }).demoData).toBe(false);
    expect(() => loadConfig({ ...BASE, DEMO_DATA: 'no' })).toThrow('DEMO_DATA must be "true" or "false", got "no".');
  });

  it("re-checks open sessions' accounts every 15 s unless ACCOUNT_RECHECK_MS says otherwise", () => {
    expect(loadConfig(BASE).accountRecheckMs).toBe(15_000);
    expect(loadConfig({ ...BASE, ACCOUNT_RECHECK_MS: '500' }).accountRecheckMs).toBe(500);
    expect(() => loadConfig({ ...BASE, ACCOUNT_RECHECK_MS: '5' })).toThrow(/ACCOUNT_RECHECK_MS must be a whole number from 100/);
  });

  it('refuses a bad ALLOWED_HOSTS entry with a ConfigError that names it', () => {
    expect(() => loadConfig({ ...BASE, ALLOWED_HOSTS: 'localhost:8787' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, ALLOWED_HOSTS: 'localhost:8787' })).toThrow(/"localhost:8787", which is not a host name/);
  });

  it('takes the data encryption key from DATA_ENCRYPTION_KEY (base64 or base64url) or the file DATA_ENCRYPTION_KEY_FILE names', () => {
    expect(loadConfig(KEYED).dataKey).toEqual(KEY);
    expect(loadConfig({ ...BASE, DATA_ENCRYPTION_KEY: KEY.toString('base64url') }).dataKey).toEqual(KEY);
    const file = join(mkdtempSync(join(tmpdir(), 'ama2-key-')), 'key');
    writeFileSync(file, `${KEY.toString('base64')}\n`, { mode: 0o600 });
    expect(loadConfig({ ...BASE, DATA_ENCRYPTION_KEY_FILE: file }).dataKey).toEqual(KEY);
  });

  it('refuses a missing key on PostgreSQL, a key that is not 32 bytes of base64, a missing key file, and both settings, without printing the key', () => {
    expect(() => loadConfig({ ...BASE, DATABASE_URL: 'postgres://db.example/chat' })).toThrow(
      'With DATABASE_URL, set DATA_ENCRYPTION_KEY (base64 of 32 random bytes, e.g. from `openssl rand -base64 32`) or DATA_ENCRYPTION_KEY_FILE',
    );
    const short = randomBytes(16).toString('base64');
    expect(() => loadConfig({ ...BASE, DATA_ENCRYPTION_KEY: short })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, DATA_ENCRYPTION_KEY: short })).toThrow(
      'DATA_ENCRYPTION_KEY must be a data encryption key: base64 of 32 random bytes',
    );
    try {
      loadConfig({ ...BASE, DATA_ENCRYPTION_KEY: short });
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
    expect(() => loadConfig({ ...BASE, DATA_ENCRYPTION_KEY_FILE: '/nonexistent/key' })).toThrow(
      'DATA_ENCRYPTION_KEY_FILE names /nonexistent/key, which does not exist.',
    );
    expect(() => loadConfig({ ...KEYED, DATA_ENCRYPTION_KEY_FILE: '/nonexistent/key' })).toThrow(
      'Set DATA_ENCRYPTION_KEY or DATA_ENCRYPTION_KEY_FILE, not both.',
    );
  });

  it('without a key, keeps one generated once beside the SQLite file, owner-only like the JWT secret, in a folder it creates owner-only', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ama2-config-')), 'data');
    const env = { DATABASE_PATH: join(dir, 'ama2.sqlite') };
    const first = loadConfig(env);
    expect(loadConfig(env).dataKey).toEqual(first.dataKey);
    expect(Buffer.from(readFileSync(join(dir, 'ama2.sqlite.data-key'), 'utf8').trim(), 'base64')).toEqual(first.dataKey);
    expect(modeOf(join(dir, 'ama2.sqlite.data-key'))).toBe(0o600);
    expect(modeOf(join(dir, 'ama2.sqlite.jwt-secret'))).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
    // Files an earlier version left readable by others are made owner-only.
    chmodSync(join(dir, 'ama2.sqlite.jwt-secret'), 0o644);
    chmodSync(join(dir, 'ama2.sqlite.data-key'), 0o644);
    expect(loadConfig(env).jwtSecret).toBe(first.jwtSecret);
    expect(modeOf(join(dir, 'ama2.sqlite.jwt-secret'))).toBe(0o600);
    expect(modeOf(join(dir, 'ama2.sqlite.data-key'))).toBe(0o600);
  });
});
