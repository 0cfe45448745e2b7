import { describe, expect, it } from 'vitest';
import { pushTopic } from './push-topic.ts';

describe('pushTopic', () => {
  it('is a UUID without its hyphens: 32 characters of base64url, one per notification', () => {
    expect(pushTopic('0b7c6f1e-2a4d-4c3e-9f10-5d6e7f8a9b0c')).toBe('0b7c6f1e2a4d4c3e9f105d6e7f8a9b0c');
  });

  it('hashes any other id down to 32 base64url characters, the same each time', () => {
    const topic = pushTopic('notification:42 with spaces and ünïcode and more than thirty-two characters');
    expect(topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pushTopic('notification:42 with spaces and ünïcode and more than thirty-two characters')).toBe(topic);
    expect(pushTopic('notification:43 with spaces and ünïcode and more than thirty-two characters')).not.toBe(topic);
  });
});
