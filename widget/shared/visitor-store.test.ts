import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../panel/testing/panel-harness.ts';
import {
  EMPTY_VISITOR,
  loadVisitor,
  parseVisitor,
  rememberOpen,
  saveVisitor,
  storedLauncher,
  visitorKey,
  type VisitorRecord,
} from './visitor-store.ts';

const KEY = visitorKey('https://chat.example', 'demo');
const TOKEN = `vt_${'Ab9_-'.repeat(8)}xyz`;
const RECORD: VisitorRecord = {
  threadId: '0b4b4a8e-8f3a-4f57-9d49-1f0a2a0c5e11',
  visitorToken: TOKEN,
  verified: true,
  email: 'ada@example.com',
  name: 'Ada',
  senderId: 'visitor:9c1d6a0e-0000-4000-8000-000000000001',
  appliedSeq: 12,
  unread: 2,
  leaveAsked: '0b4b4a8e-8f3a-4f57-9d49-1f0a2a0c5e11',
};

function stored(value: string): VisitorRecord {
  const storage = new MemoryStorage();
  storage.setItem(KEY, value);
  return loadVisitor(KEY, storage);
}

describe('visitor store', () => {
  it('keeps the whole record under one key per server and agent, and reads it back', () => {
    const storage = new MemoryStorage();
    saveVisitor(KEY, RECORD, storage);
    expect(storage.length).toBe(1);
    expect(storage.key(0)).toBe('ama2chat:https://chat.example:demo');
    expect(loadVisitor(KEY, storage)).toEqual(RECORD);
  });

  it('reads nothing stored as a new visitor', () => {
    expect(loadVisitor(KEY, new MemoryStorage())).toEqual(EMPTY_VISITOR);
    expect(loadVisitor(KEY, null)).toEqual(EMPTY_VISITOR);
  });

  it('reads a damaged or foreign record as a new visitor', () => {
    const damaged = [
      '{not json',
      'null',
      '42',
      '[]',
      '"text"',
      JSON.stringify({ ...RECORD, appliedSeq: -1 }),
      JSON.stringify({ ...RECORD, unread: 1.5 }),
      JSON.stringify({ ...RECORD, verified: 'yes' }),
      JSON.stringify({ ...RECORD, threadId: 42 }),
      JSON.stringify({ ...RECORD, threadId: '../../etc' }),
      JSON.stringify({ ...RECORD, senderId: 'agent:someone' }),
      JSON.stringify({ ...RECORD, email: 'x'.repeat(321) }),
      JSON.stringify({ ...RECORD, leaveAsked: true }),
      JSON.stringify({ ...RECORD, leaveAsked: '../../etc' }),
    ];
    for (const value of damaged) expect(stored(value), value).toEqual(EMPTY_VISITOR);
  });

  it('accepts only a token of the visitor-token shape', () => {
    for (const token of [
      'vt_short',
      `at_${'a'.repeat(43)}`,
      `vt_${'a'.repeat(201)}`,
      `vt_${'a'.repeat(40)}!`,
      `vt_${'a'.repeat(40)} `,
      42,
    ]) {
      expect(stored(JSON.stringify({ ...RECORD, visitorToken: token })), String(token)).toEqual(EMPTY_VISITOR);
    }
    expect(stored(JSON.stringify({ ...RECORD, visitorToken: `vt_${'a'.repeat(20)}` })).visitorToken).toBe(`vt_${'a'.repeat(20)}`);
  });

  it('reads a record from before visitor tokens as one without a token (so it cannot resume by email alone)', () => {
    const { visitorToken: _token, verified: _verified, ...old } = RECORD;
    expect(parseVisitor(old)).toEqual({ ...RECORD, visitorToken: null, verified: false });
  });

  it('remembers the conversation the email was offered in on leaving; a record from before that reads as not offered yet', () => {
    expect(stored(JSON.stringify(RECORD)).leaveAsked).toBe(RECORD.threadId);
    const { leaveAsked: _asked, ...old } = RECORD;
    expect(parseVisitor(old)).toEqual({ ...RECORD, leaveAsked: null });
    expect(EMPTY_VISITOR.leaveAsked).toBeNull();
  });

  it('survives a storage that throws', () => {
    const broken = new MemoryStorage();
    broken.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    broken.getItem = () => {
      throw new Error('SecurityError');
    };
    expect(() => saveVisitor(KEY, RECORD, broken)).not.toThrow();
    expect(loadVisitor(KEY, broken)).toEqual(EMPTY_VISITOR);
  });
});

describe('storedLauncher (the badge, and the panel open again, before the panel loads)', () => {
  it('reads a whole positive count, and anything else as none', () => {
    const cases: [string | null, number][] = [
      [null, 0],
      [JSON.stringify(RECORD), 2],
      ['{"unread":150}', 150],
      ['{"unread":-3}', 0],
      ['{"unread":2.5}', 0],
      ['{"unread":"4"}', 0],
      ['{}', 0],
      ['null', 0],
      ['not json', 0],
    ];
    try {
      for (const [value, expected] of cases) {
        if (value === null) localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, value);
        expect(storedLauncher(KEY)[0], String(value)).toBe(expected);
      }
    } finally {
      localStorage.removeItem(KEY);
    }
  });

  it('says the panel is open again only in the tab that left it open (sessionStorage), not from the shared record', () => {
    try {
      expect(storedLauncher(KEY)[1]).toBe(false);
      rememberOpen(KEY, true);
      expect(storedLauncher(KEY)).toEqual([0, true]);
      expect(localStorage.getItem(KEY)).toBeNull();
      rememberOpen(KEY, false);
      expect(storedLauncher(KEY)[1]).toBe(false);
    } finally {
      sessionStorage.removeItem(KEY);
    }
  });
});
