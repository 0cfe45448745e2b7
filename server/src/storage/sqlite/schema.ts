import type Database from 'better-sqlite3';

/**
 * Schema migrations of the SQLite file, applied in order; `PRAGMA user_version` records
 * how many have run. Never edit a migration that has shipped: add the next one.
 */
/**
 * The text the message index holds for the event row `row` (an alias, or OLD/NEW in a trigger): SQL for what
 * `indexedText` (search-store.ts) computes when the commit code indexes an event. FTS5 forgets a row of a
 * contentless index only when told exactly the text it indexed, so the two must agree.
 */
export const indexedTextOf = (row: string) =>
  `CASE WHEN typeof(${row}.content) = 'text' AND ${row}.content <> '' THEN ${row}.content
        WHEN json_type(${row}.data, '$.content') = 'text' THEN json_extract(${row}.data, '$.content') ELSE '' END`;

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    avatar_url TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    avatar_url TEXT,
    greeting TEXT NOT NULL,
    theme_color TEXT NOT NULL,
    engine TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE agent_owners (
    agent_id TEXT NOT NULL REFERENCES agents(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (agent_id, user_id)
  );

  CREATE TABLE agent_tokens (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents(id),
    created_at TEXT NOT NULL
  );

  CREATE TABLE threads (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('private', 'public')),
    title TEXT,
    participation_mode TEXT NOT NULL CHECK (participation_mode IN ('open', 'invocation_only')),
    last_seq INTEGER NOT NULL DEFAULT 0,
    last_message_sender TEXT,
    last_message_content TEXT,
    last_message_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    activity_at TEXT NOT NULL
  );

  CREATE TABLE participants (
    thread_id TEXT NOT NULL REFERENCES threads(id),
    sender_id TEXT NOT NULL,
    name TEXT NOT NULL,
    avatar_url TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (thread_id, sender_id)
  );

  -- Who sees a thread in their inbox, and how far they have read it.
  CREATE TABLE thread_access (
    user_id TEXT NOT NULL REFERENCES users(id),
    thread_id TEXT NOT NULL REFERENCES threads(id),
    read_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, thread_id)
  );
  CREATE INDEX thread_access_by_thread ON thread_access(thread_id);

  -- The dense per-thread log: one row per durable event, seq 1, 2, 3, ...
  CREATE TABLE events (
    thread_id TEXT NOT NULL REFERENCES threads(id),
    thread_seq INTEGER NOT NULL,
    event_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    content TEXT,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (thread_id, thread_seq)
  ) WITHOUT ROWID;

  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    thread_seq INTEGER NOT NULL,
    sender_id TEXT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    client_message_id TEXT NOT NULL,
    mentions TEXT NOT NULL,
    base_seq INTEGER,
    latest_seen_seq INTEGER,
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX messages_by_seq ON messages(thread_id, thread_seq);
  CREATE UNIQUE INDEX messages_idempotency ON messages(thread_id, sender_id, client_message_id);

  CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents(id),
    email TEXT NOT NULL COLLATE NOCASE,
    name TEXT,
    thread_id TEXT NOT NULL UNIQUE REFERENCES threads(id),
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX visitors_by_agent_email ON visitors(agent_id, email);

  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    callback_url TEXT NOT NULL,
    secret TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX webhooks_by_thread ON webhooks(thread_id);

  CREATE TABLE approvals (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    run_id TEXT NOT NULL,
    tool_name TEXT NOT NULL,
    preview TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
    expires_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX approvals_pending ON approvals(status) WHERE status = 'pending';
  `,
  // 2: visitor trust (issue 8). A visitor is whoever holds one of its tokens; the email is a label.
  `
  CREATE TABLE visitors_v2 (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents(id),
    email TEXT COLLATE NOCASE,
    name TEXT,
    identity_sub TEXT,
    verified INTEGER NOT NULL DEFAULT 0,
    thread_id TEXT NOT NULL UNIQUE REFERENCES threads(id),
    created_at TEXT NOT NULL
  );
  INSERT INTO visitors_v2 (id, agent_id, email, name, identity_sub, verified, thread_id, created_at)
    SELECT id, agent_id, email, name, NULL, 0, thread_id, created_at FROM visitors;
  DROP TABLE visitors;
  ALTER TABLE visitors_v2 RENAME TO visitors;
  CREATE UNIQUE INDEX visitors_by_identity ON visitors(agent_id, identity_sub) WHERE identity_sub IS NOT NULL;

  -- Only the sha256 of a visitor token is kept; one per device.
  CREATE TABLE visitor_tokens (
    token_hash TEXT PRIMARY KEY,
    visitor_id TEXT NOT NULL REFERENCES visitors(id),
    created_at TEXT NOT NULL,
    last_used_at TEXT
  );
  CREATE INDEX visitor_tokens_by_visitor ON visitor_tokens(visitor_id);

  -- A visitor's participant name was their email; it is their name or "Visitor" now.
  UPDATE participants
    SET name = COALESCE((SELECT visitors.name FROM visitors WHERE 'visitor:' || visitors.id = participants.sender_id), 'Visitor')
    WHERE sender_id LIKE 'visitor:%';

  ALTER TABLE agents ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE agents ADD COLUMN require_verified_identity INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE agents ADD COLUMN identity_secret TEXT;
  ALTER TABLE agents ADD COLUMN identity_secret_created_at TEXT;

  ALTER TABLE agent_tokens ADD COLUMN id TEXT;
  ALTER TABLE agent_tokens ADD COLUMN prefix TEXT NOT NULL DEFAULT 'ama_eat_';
  ALTER TABLE agent_tokens ADD COLUMN last_used_at TEXT;
  ALTER TABLE agent_tokens ADD COLUMN revoked_at TEXT;
  -- Tokens issued before ids existed get a random version-4 UUID.
  UPDATE agent_tokens SET id =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)));
  CREATE UNIQUE INDEX agent_tokens_by_id ON agent_tokens(id);
  CREATE INDEX agent_tokens_by_agent ON agent_tokens(agent_id);
  `, // 3: administration (issue 10). An administrator can disable a user without deleting what they wrote.
  `
  ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
  `, // 4: webhook delivery from the log (issue 10). Each subscription keeps a cursor and a lease.
  `
  ALTER TABLE webhooks ADD COLUMN delivered_seq INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE webhooks ADD COLUMN lease_owner TEXT;
  -- Epoch milliseconds; 0 is free.
  ALTER TABLE webhooks ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
  -- The old queues lived in memory and are gone: existing subscriptions go on from the log's end.
  UPDATE webhooks SET delivered_seq = (SELECT last_seq FROM threads WHERE threads.id = webhooks.thread_id);
  CREATE INDEX webhooks_active ON webhooks(thread_id) WHERE active = 1;
  `, // 5: rate limits shared by the processes of one database (issue 10). Keys are hashes, never addresses or emails.
  `
  CREATE TABLE rate_counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    -- Epoch milliseconds: the end of the key's current window.
    reset_at INTEGER NOT NULL
  );
  CREATE INDEX rate_counters_expiry ON rate_counters(reset_at);
  `, // 6: sessions end with a password change; agent runs outlive the process that ran them (issue 10).
  `
  -- Part of every user token: a token of an older version is refused (set-password bumps it).
  ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;

  -- The processes alive now: each renews its row; one whose lease ran out has died.
  CREATE TABLE server_processes (
    id TEXT PRIMARY KEY,
    -- Epoch milliseconds.
    lease_until INTEGER NOT NULL
  );

  -- Agent runs not yet ended, and their ends: the id is the claim (a retry runs under an id
  -- derived from the failed run's, so two retries of one run cannot both start).
  CREATE TABLE agent_runs (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    agent_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    process_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
    started_at TEXT NOT NULL,
    ended_at TEXT
  );
  CREATE INDEX agent_runs_running ON agent_runs(process_id) WHERE status = 'running';
  `, // 7: a leaner log (issue 10). Message and event ids are random UUIDs this server makes and nothing looks
  // up; a unique index on each put one more random page into every commit (most of a commit's WAL bytes).
  // Rows are kept in the log's order; idempotency keeps its unique index.
  `
  CREATE TABLE events_v7 (
    thread_id TEXT NOT NULL REFERENCES threads(id),
    thread_seq INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    content TEXT,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (thread_id, thread_seq)
  ) WITHOUT ROWID;
  INSERT INTO events_v7 (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
    SELECT thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at FROM events;
  DROP TABLE events;
  ALTER TABLE events_v7 RENAME TO events;

  CREATE TABLE messages_v7 (
    id TEXT NOT NULL,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    thread_seq INTEGER NOT NULL,
    sender_id TEXT NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    client_message_id TEXT NOT NULL,
    mentions TEXT NOT NULL,
    base_seq INTEGER,
    latest_seen_seq INTEGER,
    created_at TEXT NOT NULL
  );
  INSERT INTO messages_v7 (id, thread_id, thread_seq, sender_id, role, content, client_message_id, mentions, base_seq,
                           latest_seen_seq, created_at)
    SELECT id, thread_id, thread_seq, sender_id, role, content, client_message_id, mentions, base_seq, latest_seen_seq,
           created_at
    FROM messages ORDER BY thread_id, thread_seq;
  DROP TABLE messages;
  ALTER TABLE messages_v7 RENAME TO messages;
  CREATE UNIQUE INDEX messages_by_seq ON messages(thread_id, thread_seq);
  CREATE UNIQUE INDEX messages_idempotency ON messages(thread_id, sender_id, client_message_id);
  `, // 8: a webhook ends with its creator's rights (issue 15). Delivery stops once the creator
  // is disabled, changes password (session version) or no longer sees the thread, and says why it stopped.
  `
  ALTER TABLE webhooks ADD COLUMN creator_session_version INTEGER;
  ALTER TABLE webhooks ADD COLUMN inactive_reason TEXT;
  -- Until now only failed deliveries turned a subscription off.
  UPDATE webhooks SET inactive_reason = 'delivery_failed' WHERE active = 0;
  -- The version at subscribing was not recorded. A creator still on version 0 never changed password, so was on 0 then.
  UPDATE webhooks SET creator_session_version = 0
    WHERE EXISTS (SELECT 1 FROM users WHERE substr(webhooks.created_by, 1, 5) = 'user:'
                  AND users.id = substr(webhooks.created_by, 6) AND users.session_version = 0);
  -- Any other creator changed password at some point, maybe after subscribing (a takeover being cleaned up):
  -- that cannot be told, so their subscriptions stop; anyone on the thread can subscribe again.
  UPDATE webhooks SET active = 0, inactive_reason = 'creator_unknown', lease_owner = NULL, lease_until = 0
    WHERE active = 1 AND creator_session_version IS NULL;
  `,
  // 9: secrets at rest: which data encryption key the identity and webhook secrets are sealed
  // with. The rows are sealed by sealSecrets (sealed-secrets.ts), which needs the key.
  `
  CREATE TABLE data_keys (
    version INTEGER PRIMARY KEY,
    -- A known text sealed with the key: a start with another key fails here, not with garbage signatures.
    key_check TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // 10: visitor tokens expire after VISITOR_TOKEN_IDLE_DAYS without use (issue 15). A token's idle time
  // starts when it is issued: tokens never used since get their creation as their last use.
  `
  UPDATE visitor_tokens SET last_used_at = created_at WHERE last_used_at IS NULL;
  `,
  // 11: ownership (issue 17): who owns a thread. The status and assignee are copied onto each reader's
  // thread_access row (in the same transaction as the change): the queue filters read them there, and
  // triggers keep each reader's counts.
  `
  ALTER TABLE threads ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'waiting', 'resolved', 'snoozed'));
  -- A user id (no prefix); null: unassigned.
  ALTER TABLE threads ADD COLUMN assignee_id TEXT;
  ALTER TABLE threads ADD COLUMN agent_paused INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE threads ADD COLUMN waiting_since TEXT;
  ALTER TABLE threads ADD COLUMN snoozed_until TEXT;
  -- The snooze wake-up finds due threads from here alone.
  CREATE INDEX threads_snoozed ON threads(snoozed_until) WHERE status = 'snoozed';

  ALTER TABLE thread_access ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
  ALTER TABLE thread_access ADD COLUMN assignee_id TEXT;
  ALTER TABLE thread_access ADD COLUMN waiting_since TEXT;
  -- Serve the queue filters of one reader: (user, status, assignee), and the waiting queue in its order.
  CREATE INDEX thread_access_queues ON thread_access(user_id, status, assignee_id);
  CREATE INDEX thread_access_waiting ON thread_access(user_id, waiting_since, thread_id) WHERE status = 'waiting';

  -- Each reader's queue counts, kept by the triggers below in the transaction that changes a
  -- thread_access row: reading them costs a dozen rows whatever the number of threads.
  -- bucket: 'none' (unassigned), 'mine' (assigned to the reader) or 'other'.
  CREATE TABLE queue_counts (
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    bucket TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (user_id, status, bucket)
  ) WITHOUT ROWID;
  INSERT INTO queue_counts (user_id, status, bucket, n)
    SELECT user_id, status, CASE WHEN assignee_id IS NULL THEN 'none' WHEN assignee_id = user_id THEN 'mine' ELSE 'other' END,
           COUNT(*)
    FROM thread_access GROUP BY 1, 2, 3;
  CREATE TRIGGER thread_access_counted AFTER INSERT ON thread_access BEGIN
    INSERT INTO queue_counts (user_id, status, bucket, n)
      VALUES (NEW.user_id, NEW.status,
              CASE WHEN NEW.assignee_id IS NULL THEN 'none' WHEN NEW.assignee_id = NEW.user_id THEN 'mine' ELSE 'other' END, 1)
      ON CONFLICT (user_id, status, bucket) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER thread_access_recounted AFTER UPDATE OF status, assignee_id ON thread_access BEGIN
    UPDATE queue_counts SET n = n - 1
      WHERE user_id = OLD.user_id AND status = OLD.status
        AND bucket = CASE WHEN OLD.assignee_id IS NULL THEN 'none' WHEN OLD.assignee_id = OLD.user_id THEN 'mine' ELSE 'other' END;
    INSERT INTO queue_counts (user_id, status, bucket, n)
      VALUES (NEW.user_id, NEW.status,
              CASE WHEN NEW.assignee_id IS NULL THEN 'none' WHEN NEW.assignee_id = NEW.user_id THEN 'mine' ELSE 'other' END, 1)
      ON CONFLICT (user_id, status, bucket) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER thread_access_uncounted AFTER DELETE ON thread_access BEGIN
    UPDATE queue_counts SET n = n - 1
      WHERE user_id = OLD.user_id AND status = OLD.status
        AND bucket = CASE WHEN OLD.assignee_id IS NULL THEN 'none' WHEN OLD.assignee_id = OLD.user_id THEN 'mine' ELSE 'other' END;
  END;
  `,
  // 12: private notes (issue 17). A note is its `note_added` event; this index finds a repeat of
  // (thread, sender, client_message_id) and refuses a second note with that key. Partial: no other event pays for it.
  `
  CREATE UNIQUE INDEX events_note_idempotency ON events(thread_id, sender_id, json_extract(data, '$.client_message_id'))
    WHERE event_type = 'note_added';
  `,
  // 13: search (issue 17). Triggers keep the indexes in the transaction of each commit, whatever path writes.
  `
  -- Messages and notes. Contentless: the text stays in events only. thread_key is one term per thread
  -- ('x' and the id's hex digits), so that a search over a few threads filters inside the index.
  CREATE VIRTUAL TABLE event_search USING fts5(
    body, thread_key, thread_id UNINDEXED, thread_seq UNINDEXED,
    content = '', contentless_unindexed = 1, columnsize = 0, tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO event_search (body, thread_key, thread_id, thread_seq)
    SELECT coalesce(content, json_extract(data, '$.content'), ''), 'x' || replace(thread_id, '-', ''), thread_id, thread_seq
    FROM events WHERE event_type IN ('message_committed', 'note_added') ORDER BY created_at, thread_id, thread_seq;
  CREATE TRIGGER event_search_add AFTER INSERT ON events
    WHEN NEW.event_type IN ('message_committed', 'note_added')
  BEGIN
    INSERT INTO event_search (body, thread_key, thread_id, thread_seq)
      VALUES (coalesce(NEW.content, json_extract(NEW.data, '$.content'), ''), 'x' || replace(NEW.thread_id, '-', ''),
              NEW.thread_id, NEW.thread_seq);
  END;

  -- Threads by title, participants' names and the visitor's label: one row of text per thread.
  CREATE TABLE thread_search_text (
    id INTEGER PRIMARY KEY,
    thread_id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
  );
  CREATE VIRTUAL TABLE thread_search USING fts5(
    body, content = 'thread_search_text', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
  );
  -- A thread's searchable text: its non-empty parts joined by ' · ' (3 characters: substr drops the first).
  CREATE VIEW thread_search_source AS
    SELECT threads.id AS thread_id, substr(
      coalesce(' · ' || nullif(threads.title, ''), '') ||
      coalesce((SELECT ' · ' || group_concat(name, ' · ') FROM (SELECT name FROM participants
                WHERE participants.thread_id = threads.id ORDER BY position)), '') ||
      coalesce((SELECT coalesce(' · ' || visitors.email, '') || coalesce(' · ' || visitors.name, '') FROM visitors
                WHERE visitors.thread_id = threads.id), ''), 4) AS body
    FROM threads;
  INSERT INTO thread_search_text (thread_id, body) SELECT thread_id, body FROM thread_search_source;
  INSERT INTO thread_search (thread_search) VALUES ('rebuild');
  CREATE TRIGGER thread_search_thread_removed AFTER DELETE ON threads BEGIN
    INSERT INTO thread_search (thread_search, rowid, body)
      SELECT 'delete', id, body FROM thread_search_text WHERE thread_id = OLD.id;
    DELETE FROM thread_search_text WHERE thread_id = OLD.id;
  END;
  CREATE TRIGGER thread_search_thread_added AFTER INSERT ON threads BEGIN
    INSERT INTO thread_search (thread_search, rowid, body)
      SELECT 'delete', id, body FROM thread_search_text WHERE thread_id = NEW.id;
    DELETE FROM thread_search_text WHERE thread_id = NEW.id;
    INSERT INTO thread_search_text (thread_id, body) SELECT thread_id, body FROM thread_search_source WHERE thread_id = NEW.id;
    INSERT INTO thread_search (rowid, body) SELECT id, body FROM thread_search_text WHERE thread_id = NEW.id;
  END;
  CREATE TRIGGER thread_search_title_changed AFTER UPDATE OF title ON threads BEGIN
    INSERT INTO thread_search (thread_search, rowid, body)
      SELECT 'delete', id, body FROM thread_search_text WHERE thread_id = NEW.id;
    DELETE FROM thread_search_text WHERE thread_id = NEW.id;
    INSERT INTO thread_search_text (thread_id, body) SELECT thread_id, body FROM thread_search_source WHERE thread_id = NEW.id;
    INSERT INTO thread_search (rowid, body) SELECT id, body FROM thread_search_text WHERE thread_id = NEW.id;
  END;
  CREATE TRIGGER thread_search_participant_added AFTER INSERT ON participants BEGIN
    INSERT INTO thread_search (thread_search, rowid, body)
      SELECT 'delete', id, body FROM thread_search_text WHERE thread_id = NEW.thread_id;
    DELETE FROM thread_search_text WHERE thread_id = NEW.thread_id;
    INSERT INTO thread_search_text (thread_id, body) SELECT thread_id, body FROM thread_search_source WHERE thread_id = NEW.thread_id;
    INSERT INTO thread_search (rowid, body) SELECT id, body FROM thread_search_text WHERE thread_id = NEW.thread_id;
  END;
  CREATE TRIGGER thread_search_participant_changed AFTER UPDATE OF name ON participants BEGIN
    INSERT INTO thread_search (thread_search, rowid, body)
      SELECT 'delete', id, body FROM thread_search_text WHERE thread_id = NEW.thread_id;
    DELETE FROM thread_search_text WHERE thread_id = NEW.thread_id;
    INSERT INTO thread_search_text (thread_id, body) SELECT thread_id, body FROM thread_search_source WHERE thread_id = NEW.thread_id;
    INSERT INTO thread_search (rowid, body) SELECT id, body FROM thread_search_text WHERE thread_id = NEW.thread_id;
  END;
  CREATE TRIGGER thread_search_visitor_added AFTER INSERT ON visitors BEGIN
    INSERT INTO thread_search (thread_search, rowid, body)
      SELECT 'delete', id, body FROM thread_search_text WHERE thread_id = NEW.thread_id;
    DELETE FROM thread_search_text WHERE thread_id = NEW.thread_id;
    INSERT INTO thread_search_text (thread_id, body) SELECT thread_id, body FROM thread_search_source WHERE thread_id = NEW.thread_id;
    INSERT INTO thread_search (rowid, body) SELECT id, body FROM thread_search_text WHERE thread_id = NEW.thread_id;
  END;
  CREATE TRIGGER thread_search_visitor_changed AFTER UPDATE OF email, name ON visitors BEGIN
    INSERT INTO thread_search (thread_search, rowid, body)
      SELECT 'delete', id, body FROM thread_search_text WHERE thread_id = NEW.thread_id;
    DELETE FROM thread_search_text WHERE thread_id = NEW.thread_id;
    INSERT INTO thread_search_text (thread_id, body) SELECT thread_id, body FROM thread_search_source WHERE thread_id = NEW.thread_id;
    INSERT INTO thread_search (rowid, body) SELECT id, body FROM thread_search_text WHERE thread_id = NEW.thread_id;
  END;
  `,
  // 14: the message index can forget (CONTRACT §14: an erased message must not stay findable). Migration 13's
  // event_search was contentless without contentless_delete, so no row of it could go. Rebuilt from the events, with:
  // - contentless_delete (SQLite 3.43+), which needs the per-row size table that columnsize = 0 had left out;
  // - no trigger on INSERT: the commit code writes each new message's row (SqliteThreadLog.writeEvent, the one
  //   place that inserts events), in the same transaction, because FTS5 flushes its pending terms at each
  //   savepoint and a trigger gives every event's INSERT one;
  // - triggers that forget an event's entry when its row goes and index it again when its text changes, found by its
  //   thread's term and its seq (a lookup within one thread, as rare as the deletions).
  `
  DROP TRIGGER event_search_add;
  DROP TABLE event_search;
  DROP TABLE IF EXISTS event_search_content;
  CREATE VIRTUAL TABLE event_search USING fts5(
    body, thread_key, thread_id UNINDEXED, thread_seq UNINDEXED,
    content = '', contentless_delete = 1, contentless_unindexed = 1, tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO event_search (body, thread_key, thread_id, thread_seq)
    SELECT coalesce(content, json_extract(data, '$.content'), ''), 'x' || replace(thread_id, '-', ''), thread_id, thread_seq
    FROM events WHERE event_type IN ('message_committed', 'note_added') ORDER BY created_at, thread_id, thread_seq;
  CREATE TRIGGER event_search_remove AFTER DELETE ON events
    WHEN OLD.event_type IN ('message_committed', 'note_added')
  BEGIN
    DELETE FROM event_search WHERE rowid IN (
      SELECT rowid FROM event_search
      WHERE event_search MATCH '{thread_key} : "x' || replace(OLD.thread_id, '-', '') || '"' AND thread_seq = OLD.thread_seq);
  END;
  CREATE TRIGGER event_search_change AFTER UPDATE OF content, data ON events
    WHEN NEW.event_type IN ('message_committed', 'note_added')
  BEGIN
    UPDATE event_search
      SET body = coalesce(NEW.content, json_extract(NEW.data, '$.content'), ''), thread_key = 'x' || replace(NEW.thread_id, '-', ''),
          thread_id = NEW.thread_id, thread_seq = NEW.thread_seq
      WHERE rowid IN (
        SELECT rowid FROM event_search
        WHERE event_search MATCH '{thread_key} : "x' || replace(OLD.thread_id, '-', '') || '"' AND thread_seq = OLD.thread_seq);
  END;
  `,
  // 15: an agent's expected reply time (issue 23), "usually replies within …" for visitors; null says nothing.
  `
  ALTER TABLE agents ADD COLUMN expected_reply_minutes INTEGER CHECK (expected_reply_minutes BETWEEN 1 AND 10080);
  `,
  // 16: a visitor's own conversations (CONTRACT §7 "my conversations", issue 23): their threads are found by their
  // sender id, which the participants' key (thread first) cannot serve.
  `
  CREATE INDEX participants_by_sender ON participants(sender_id, thread_id);
  `,
  // 17: web push and email (issue 18, CONTRACT §12): the VAPID keys (private key sealed), users' push subscriptions
  // (one per user and endpoint), approval action tokens (their hash only) and kinds whose email a user turned off.
  `
  CREATE TABLE vapid_keys (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    UNIQUE (user_id, endpoint)
  );
  CREATE TABLE approval_action_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    approval_id TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    spent_at TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX approval_action_tokens_by_expiry ON approval_action_tokens(expires_at);
  CREATE TABLE email_opt_outs (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
  );
  `,
  // 18: notifications (CONTRACT §12, issue 18). Each thread's rules cursor starts at its end (history is
  // not notified); notifications are unique per (user, kind, thread, seq); deliveries are queued per user, in
  // order, with a lease per user. Times of leases and deliveries are epoch ms.
  `
  CREATE TABLE notification_settings (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    settings TEXT NOT NULL
  );
  CREATE TABLE notification_cursors (
    thread_id TEXT PRIMARY KEY REFERENCES threads(id),
    notified_seq INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO notification_cursors (thread_id, notified_seq) SELECT id, last_seq FROM threads;
  CREATE TABLE notifications (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    thread_seq INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    approval_id TEXT,
    approval_expires_at TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (user_id, kind, thread_id, thread_seq)
  );
  CREATE INDEX notifications_by_user ON notifications(user_id, position);
  CREATE INDEX notifications_unread ON notifications(user_id, position) WHERE read_at IS NULL;
  CREATE TABLE notification_deliveries (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id TEXT NOT NULL REFERENCES notifications(id),
    user_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('push', 'email')),
    due_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX notification_deliveries_by_user ON notification_deliveries(user_id, channel, position);
  CREATE INDEX notification_deliveries_due ON notification_deliveries(due_at);
  CREATE TABLE notification_delivery_leases (
    user_id TEXT PRIMARY KEY,
    lease_owner TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0
  );
  `,
  // Visitor follow-up (CONTRACT §12 "Visitors who left"): the agent's website and switch; per visitor what
  // waits (the thread, its first unseen reply, when), the hourly cap, the worker's lease; one-time resume links.
  `
  ALTER TABLE agents ADD COLUMN website_url TEXT;
  ALTER TABLE agents ADD COLUMN email_follow_up INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE visitor_follow_ups (
    visitor_id TEXT PRIMARY KEY REFERENCES visitors(id),
    agent_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    due_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    last_sent_at INTEGER,
    sent_thread_id TEXT,
    sent_up_to_seq INTEGER,
    lease_owner TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX visitor_follow_ups_due ON visitor_follow_ups(due_at) WHERE due_at IS NOT NULL;
  CREATE TABLE visitor_resume_tokens (
    token_hash TEXT PRIMARY KEY,
    visitor_id TEXT NOT NULL REFERENCES visitors(id),
    agent_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    spent_at TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX visitor_resume_tokens_expiry ON visitor_resume_tokens(expires_at);
  `,
  // Attachments (CONTRACT §13): uploads' metadata (bytes are files in ATTACHMENTS_DIR), the message that
  // carries each (null until sent: unused ones are swept after a day, by one process at a time: the lease).
  `
  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES threads(id),
    uploader_id TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    width INTEGER,
    height INTEGER,
    sha256 TEXT NOT NULL,
    thumbnail_type TEXT,
    thumbnail_size INTEGER,
    thumbnail_sha256 TEXT,
    message_id TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX attachments_by_thread ON attachments(thread_id);
  CREATE INDEX attachments_unused ON attachments(created_at) WHERE message_id IS NULL;
  ALTER TABLE messages ADD COLUMN attachments TEXT;
  -- What the agent lets visitors send ({enabled, max_bytes, types}); null: the defaults.
  ALTER TABLE agents ADD COLUMN attachment_policy TEXT;
  CREATE TABLE attachment_sweep_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    lease_owner TEXT NOT NULL,
    lease_until INTEGER NOT NULL
  );
  `,
  // The widget's language per visitor (CONTRACT §12: the follow-up email is written in it); null: never said.
  `
  ALTER TABLE visitors ADD COLUMN language TEXT;
  `,
  // Busy threads (issue 18's budgets): one unread `message` notification per (user, thread), updated in place
  // as messages arrive. `collapse_key` (the thread, on `message` notifications) is unique among a user's
  // unread ones; `count` is how many messages one stands for and `sender_id` their sender while it is one.
  // The newest unread `message` notification of each (user, thread) becomes the one later messages update;
  // older ones stay as they are. A delivery is one per (notification, channel) and remembers the seq it was
  // queued or updated for, so that one sent while the notification changed is not ended (the newer is sent).
  `
  ALTER TABLE notifications ADD COLUMN collapse_key TEXT;
  ALTER TABLE notifications ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE notifications ADD COLUMN sender_id TEXT;
  UPDATE notifications SET collapse_key = thread_id
  WHERE kind = 'message' AND read_at IS NULL AND position = (
    SELECT max(o.position) FROM notifications AS o
    WHERE o.user_id = notifications.user_id AND o.thread_id = notifications.thread_id AND o.kind = 'message' AND o.read_at IS NULL);
  CREATE UNIQUE INDEX notifications_collapse ON notifications(user_id, collapse_key) WHERE read_at IS NULL AND collapse_key IS NOT NULL;
  ALTER TABLE notification_deliveries ADD COLUMN thread_seq INTEGER NOT NULL DEFAULT 0;
  DELETE FROM notification_deliveries WHERE position NOT IN (
    SELECT min(position) FROM notification_deliveries GROUP BY notification_id, channel);
  UPDATE notification_deliveries SET thread_seq = (SELECT n.thread_seq FROM notifications AS n WHERE n.id = notification_id);
  CREATE UNIQUE INDEX notification_deliveries_once ON notification_deliveries(notification_id, channel);
  `,
  // Privacy operations (CONTRACT §14): owners find a visitor by email within their agent; each agent may keep
  // conversations for a while only (retention_days, null: forever), swept by one process at a time (the lease);
  // the audit log is append-only and names people by id only (no content, no secret, no email or name).
  `
  CREATE INDEX visitors_by_agent_email ON visitors(agent_id, email);
  ALTER TABLE agents ADD COLUMN retention_days REAL CHECK (retention_days IS NULL OR retention_days > 0);
  CREATE TABLE retention_sweep_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    lease_owner TEXT NOT NULL,
    lease_until INTEGER NOT NULL
  );
  CREATE TABLE audit_log (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    agent_id TEXT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL,
    address TEXT
  );
  CREATE INDEX audit_log_by_agent ON audit_log(agent_id, position);
  `,
  // The search indexes forget at once (CONTRACT §14: a deleted message's or an erased visitor's words must not stay
  // in the file). FTS5 forgets a row of a contentless_delete table (event_search, migration 14) with a tombstone and
  // keeps its terms in the old segments until a merge: a deleted message stayed readable in the file, and an erasure
  // had to merge whole indexes (a write lock in proportion to every conversation's size). FTS5's secure-delete takes a
  // row's entries out of their segments in the deleting transaction, but only when told the row's terms: so
  // event_search is made again contentless without contentless_delete (rows keep their rowids, the search positions), and
  // it forgets a row by the 'delete' command with the text it indexed, which the triggers derive from the event row
  // as `indexedText` does (search-store.ts; the index is rebuilt here with the same expression, so they agree). An
  // event's text that changes is indexed again under its rowid, kept across the delete in event_search_moving.
  // thread_search (external content, 'delete' commands already) gains secure-delete too. The pages freed are zeroed
  // by the file's secure_delete. What earlier deletions left in thread_search is merged away once, here.
  `
  CREATE TABLE event_search_rows AS
    SELECT s.rowid AS position, ${indexedTextOf('e')} AS body, e.thread_id, e.thread_seq
    FROM event_search AS s JOIN events AS e ON e.thread_id = s.thread_id AND e.thread_seq = s.thread_seq;
  DROP TRIGGER event_search_remove;
  DROP TRIGGER event_search_change;
  DROP TABLE event_search;
  DROP TABLE IF EXISTS event_search_content;
  CREATE VIRTUAL TABLE event_search USING fts5(
    body, thread_key, thread_id UNINDEXED, thread_seq UNINDEXED,
    content = '', contentless_unindexed = 1, tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO event_search (event_search, rank) VALUES ('secure-delete', 1);
  INSERT INTO event_search (rowid, body, thread_key, thread_id, thread_seq)
    SELECT position, body, 'x' || replace(thread_id, '-', ''), thread_id, thread_seq FROM event_search_rows ORDER BY position;
  DROP TABLE event_search_rows;
  CREATE TABLE event_search_moving (position INTEGER PRIMARY KEY);
  CREATE TRIGGER event_search_remove AFTER DELETE ON events
    WHEN OLD.event_type IN ('message_committed', 'note_added')
  BEGIN
    INSERT INTO event_search (event_search, rowid, body, thread_key, thread_id, thread_seq)
      SELECT 'delete', rowid, ${indexedTextOf('OLD')}, 'x' || replace(OLD.thread_id, '-', ''), OLD.thread_id, OLD.thread_seq
      FROM event_search
      WHERE event_search MATCH '{thread_key} : "x' || replace(OLD.thread_id, '-', '') || '"' AND thread_seq = OLD.thread_seq;
  END;
  CREATE TRIGGER event_search_change AFTER UPDATE OF content, data ON events
    WHEN NEW.event_type IN ('message_committed', 'note_added')
  BEGIN
    INSERT INTO event_search_moving (position)
      SELECT rowid FROM event_search
      WHERE event_search MATCH '{thread_key} : "x' || replace(OLD.thread_id, '-', '') || '"' AND thread_seq = OLD.thread_seq;
    INSERT INTO event_search (event_search, rowid, body, thread_key, thread_id, thread_seq)
      SELECT 'delete', position, ${indexedTextOf('OLD')}, 'x' || replace(OLD.thread_id, '-', ''), OLD.thread_id, OLD.thread_seq
      FROM event_search_moving;
    INSERT INTO event_search (rowid, body, thread_key, thread_id, thread_seq)
      SELECT position, ${indexedTextOf('NEW')}, 'x' || replace(NEW.thread_id, '-', ''), NEW.thread_id, NEW.thread_seq
      FROM event_search_moving;
    DELETE FROM event_search_moving;
  END;
  INSERT INTO thread_search (thread_search, rank) VALUES ('secure-delete', 1);
  INSERT INTO thread_search (thread_search) VALUES ('optimize');
  `, // An erasure that cannot be left half done (CONTRACT §14): each erased thread's mark, written in the same transaction
  // as its `thread_deleted`, says who erased it and why (the audit entry written at the end is made from it) and makes
  // the thread gone for every reader at once, while its webhooks still take the farewell. The retention sweeper
  // finishes what a crash left marked (one process at a time: its lease); the mark goes with the thread row (a thread erased alone) or with the visitor
  // row (a visitor's erasure, whose audit entry is written then).
  `
  CREATE TABLE thread_erasures (
    thread_id TEXT PRIMARY KEY,
    visitor_id TEXT,
    agent_id TEXT,
    reason TEXT NOT NULL,
    erased_by TEXT NOT NULL,
    actor TEXT NOT NULL,
    address TEXT,
    farewell_seq INTEGER NOT NULL,
    marked_at TEXT NOT NULL
  );
  CREATE INDEX thread_erasures_by_visitor ON thread_erasures(visitor_id) WHERE visitor_id IS NOT NULL;
  CREATE INDEX thread_erasures_by_time ON thread_erasures(marked_at);
  -- Who finishes the erasures left unfinished: one process at a time, as the retention sweep's lease.
  CREATE TABLE erasure_resume_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    lease_owner TEXT NOT NULL,
    lease_until INTEGER NOT NULL
  );
  `,
  // A notification's place in its user's list (`list_order`, the list's page cursors) apart from its row id: an
  // unread `message` notification updated by a newer message moves to the top of the list by this column alone.
  // Moving it by its `position` (the row id) deleted and inserted the row and every one of its five indexes,
  // the biggest part of storing a busy thread's round (issue 18). Rows so far keep their place (their position).
  `
  ALTER TABLE notifications ADD COLUMN list_order INTEGER;
  UPDATE notifications SET list_order = position;
  DROP INDEX notifications_by_user;
  DROP INDEX notifications_unread;
  CREATE INDEX notifications_by_user ON notifications(user_id, list_order);
  CREATE INDEX notifications_unread ON notifications(user_id, list_order) WHERE read_at IS NULL;
  `,
];

/** Brings the file up to the newest schema, one transaction per migration. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`The database was written by a newer version of this server (schema ${version}, this one knows ${MIGRATIONS.length}).`);
  }
  // Migrations are this server's own SQL, so they may write FTS5 shadow tables, which better-sqlite3's defensive
  // mode forbids: dropping a contentless_unindexed table leaves its `_content` table behind (SQLite 3.53), and
  // migration 14 drops that too.
  db.unsafeMode(true);
  try {
    for (let index = version; index < MIGRATIONS.length; index++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[index]!);
        db.pragma(`user_version = ${index + 1}`);
      })();
    }
  } finally {
    db.unsafeMode(false);
  }
}
