import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redactDatabaseUrl } from './database-url.ts';

describe('DATABASE_URL', () => {
  it('accepts postgres:// and postgresql:// URLs; unset means SQLite', () => {
    expect(parseDatabaseUrl(undefined)).toBeNull();
    expect(parseDatabaseUrl(' ')).toBeNull();
    expect(parseDatabaseUrl('postgres://u:p@db.internal:5432/ama2')).toBe('postgres://u:p@db.internal:5432/ama2');
    expect(parseDatabaseUrl('postgresql://db/ama2')).toBe('postgresql://db/ama2');
  });

  it('refuses other URLs in words, without repeating the value', () => {
    const attempts = ['mysql://root:s3cret-pw@db/ama2', 'not a url s3cret-pw', 'https://u:s3cret-pw@db/ama2'];
    const messages = attempts.map((value) => {
      try {
        parseDatabaseUrl(value);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(messages).toEqual([
      'DATABASE_URL must be a postgres:// or postgresql:// URL such as postgres://user:password@host:5432/ama2, not a mysql:// one.',
      'DATABASE_URL is not a URL; it must look like postgres://user:password@host:5432/ama2.',
      'DATABASE_URL must be a postgres:// or postgresql:// URL such as postgres://user:password@host:5432/ama2, not a https:// one.',
    ]);
  });

  it('redacts the password and secret parameters for the banner', () => {
    expect(redactDatabaseUrl('postgres://ama2:s3cret@db.internal:5432/chat')).toBe('postgres://ama2:***@db.internal:5432/chat');
    expect(redactDatabaseUrl('postgres://ama2@db:5432/chat?sslmode=require&password=s3cret')).toBe(
      'postgres://ama2@db:5432/chat?sslmode=require&password=***',
    );
    expect(redactDatabaseUrl('postgresql://db/chat')).toBe('postgresql://db/chat');
  });
});
