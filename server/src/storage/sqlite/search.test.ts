import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../search/search-query.ts';
import { message } from '../contract/fixtures.ts';
import { FEW_MATCHES } from './search.ts';
import { SqliteStorage } from './sqlite-storage.ts';

/** A first page as the search service asks for it. */
const PAGE = 20;

let dir: string;
let path: string;
let storage: SqliteStorage;
/** A second connection to the file, as an erasure or the admin CLI would write through. */
let other: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ama2-sqlite-search-'));
  path = join(dir, 'chat.sqlite');
  storage = new SqliteStorage(path);
  other = new Database(path);
});

afterEach(async () => {
  other.close();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

async function user(name: string): Promise<string> {
  const id = randomUUID();
  await storage.users.create({ id, email: `${name}@example.com`, name, avatarUrl: null, passwordHash: 'x' });
  return id;
}

async function thread(userId: string): Promise<string> {
  const created = await storage.threads.create({
    kind: 'private',
    title: null,
    participationMode: 'open',
    participants: [{ sender_id: `user:${userId}`, name: 'someone', avatar_url: null }],
    extraAudience: [],
    createdBy: `user:${userId}`,
    initialMessage: null,
  });
  return created.thread.id;
}

async function send(threadId: string, userId: string, content: string): Promise<number> {
  const result = await storage.log.commitMessage(message(threadId, `user:${userId}`, content));
  if (result.status !== 'created') throw new Error(`not committed: ${result.status}`);
  return result.message.thread_seq;
}

/** What a user finds, as (thread, seq) pairs, newest first. */
async function found(userId: string, q: string): Promise<string[]> {
  const hits = await storage.search.events(userId, parseSearchQuery(q), { threadId: null, before: null, limit: PAGE });
  return hits.map((hit) => `${hit.threadId}#${hit.threadSeq}`);
}

/** Index rows holding a word, read from the index alone (no join with events hides a stale row). */
const indexed = (word: string) =>
  other.prepare('SELECT count(*) FROM event_search WHERE event_search MATCH ?').pluck().get(`{body} : "${word}"`) as number;

describe('SQLite message index (event_search)', () => {
  it('forgets an event whose row is deleted: its words leave the index, its thread’s other messages stay', async () => {
    const ann = await user('ann');
    const threadId = await thread(ann);
    const erased = await send(threadId, ann, 'apple banana');
    const kept = await send(threadId, ann, 'apple cherry');
    expect(await found(ann, 'banana')).toEqual([`${threadId}#${erased}`]);

    other.prepare('DELETE FROM events WHERE thread_id = ? AND thread_seq = ?').run(threadId, erased);

    expect(indexed('banana')).toBe(0);
    expect(await found(ann, 'banana')).toEqual([]);
    expect(await found(ann, 'apple')).toEqual([`${threadId}#${kept}`]);
  });

  it('indexes an event again when its text changes, as a deleted message reads with content ""', async () => {
    const ann = await user('ann');
    const threadId = await thread(ann);
    const erased = await send(threadId, ann, 'secret pineapple plans');
    const kept = await send(threadId, ann, 'public pineapple');

    other
      .prepare("UPDATE events SET content = '', data = json_set(data, '$.deleted', json('true')) WHERE thread_id = ? AND thread_seq = ?")
      .run(threadId, erased);

    expect(indexed('secret')).toBe(0);
    expect(await found(ann, 'secret')).toEqual([]);
    expect(await found(ann, 'pineapple')).toEqual([`${threadId}#${kept}`]);

    // New text is findable at the event's old place in the order (newest first).
    other.prepare("UPDATE events SET content = 'rewritten words' WHERE thread_id = ? AND thread_seq = ?").run(threadId, erased);
    await send(threadId, ann, 'rewritten later');
    const rewritten = await found(ann, 'rewritten');
    expect(rewritten).toEqual([`${threadId}#${kept + 1}`, `${threadId}#${erased}`]);
  });

  it(`a reader of few threads finds every match of common words, also past ${FEW_MATCHES} rows in others’ threads`, async () => {
    const ann = await user('ann');
    const ben = await user('ben');
    const annThread = await thread(ann);
    const benThread = await thread(ben);
    const oldest = await send(annThread, ann, 'common word, oldest');
    // More rows of the word than the scan checks one by one, all in a thread Ann does not read.
    for (let sent = 0; sent <= FEW_MATCHES; sent += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, index) => send(benThread, ben, `common word ${sent + index}`)));
    }
    const newer = await send(annThread, ann, 'common word, newer');
    const newest = await send(annThread, ann, 'common word, newest');

    expect(await found(ann, 'common word')).toEqual([`${annThread}#${newest}`, `${annThread}#${newer}`, `${annThread}#${oldest}`]);
    expect(await found(ann, 'comm')).toEqual([`${annThread}#${newest}`, `${annThread}#${newer}`, `${annThread}#${oldest}`]);
    expect(await found(ben, 'common')).toHaveLength(PAGE);
  });

  it('a grouped commit writes one index segment, not one per message (FTS5 flushes at every savepoint)', async () => {
    const ann = await user('ann');
    const threadId = await thread(ann);
    // No merging, so that the index's segments can be counted: one row of event_search_idx each.
    other.exec("INSERT INTO event_search (event_search, rank) VALUES ('automerge', 0), ('crisismerge', 2000)");
    const segments = () => other.prepare('SELECT count(*) FROM event_search_idx').pluck().get() as number;
    const before = segments();

    // Sent in one event-loop turn: one grouped transaction.
    const seqs = await Promise.all(Array.from({ length: 20 }, (_, index) => send(threadId, ann, `grouped message ${index}`)));

    expect(segments() - before).toBe(1);
    expect(await found(ann, 'grouped')).toHaveLength(20);
    expect(new Set(seqs).size).toBe(20);
  });
});
