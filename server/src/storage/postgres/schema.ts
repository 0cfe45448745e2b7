import type postgres from 'postgres';

/**
 * Schema migrations of the PostgreSQL database, applied in order and recorded in
 * `schema_migrations`. Never edit a migration that has shipped: add the next one.
 *
 * Migration 1 is the SQLite schema as of its migration 2 (visitor trust), plus
 * `users.disabled` (accounts an admin turns off). Timestamps are `timestamptz` (read
 * back as the ISO strings SQLite stores); JSON is `jsonb` (sent as text and cast, since
 * the driver would encode a JSON string twice); ids sort byte-wise (`COLLATE "C"`) as in
 * SQLite, whatever the database's locale.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id text COLLATE "C" PRIMARY KEY,
    email text NOT NULL,
    name text NOT NULL,
    avatar_url text,
    password_hash text NOT NULL,
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL
  );
  -- Emails are unique regardless of case, as SQLite's COLLATE NOCASE.
  CREATE UNIQUE INDEX users_by_email ON users (lower(email));

  CREATE TABLE agents (
    id text COLLATE "C" PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL,
    avatar_url text,
    greeting text NOT NULL,
    theme_color text NOT NULL,
    engine text NOT NULL,
    created_at timestamptz NOT NULL,
    allowed_origins jsonb NOT NULL DEFAULT '[]',
    require_verified_identity boolean NOT NULL DEFAULT false,
    identity_secret text,
    identity_secret_created_at timestamptz
  );

  CREATE TABLE agent_owners (
    agent_id text COLLATE "C" NOT NULL REFERENCES agents(id),
    user_id text COLLATE "C" NOT NULL REFERENCES users(id),
    PRIMARY KEY (agent_id, user_id)
  );

  CREATE TABLE agent_tokens (
    token_hash text PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    agent_id text COLLATE "C" NOT NULL REFERENCES agents(id),
    prefix text NOT NULL,
    created_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz,
    -- Creation order, for tokens made within the same millisecond.
    position bigint GENERATED ALWAYS AS IDENTITY
  );
  CREATE INDEX agent_tokens_by_agent ON agent_tokens (agent_id);

  CREATE TABLE threads (
    id text COLLATE "C" PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('private', 'public')),
    title text,
    participation_mode text NOT NULL CHECK (participation_mode IN ('open', 'invocation_only')),
    -- The seq of the last event; the row lock on it keeps seqs dense across processes.
    last_seq integer NOT NULL DEFAULT 0,
    last_message_sender text,
    last_message_content text,
    last_message_at timestamptz,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    activity_at timestamptz NOT NULL
  );

  CREATE TABLE participants (
    thread_id text COLLATE "C" NOT NULL REFERENCES threads(id),
    sender_id text NOT NULL,
    name text NOT NULL,
    avatar_url text,
    position integer NOT NULL,
    PRIMARY KEY (thread_id, sender_id)
  );

  -- Who sees a thread in their inbox, and how far they have read it.
  CREATE TABLE thread_access (
    user_id text COLLATE "C" NOT NULL REFERENCES users(id),
    thread_id text COLLATE "C" NOT NULL REFERENCES threads(id),
    read_seq integer NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, thread_id)
  );
  CREATE INDEX thread_access_by_thread ON thread_access (thread_id);

  -- The dense per-thread log: one row per durable event, seq 1, 2, 3, ...
  CREATE TABLE events (
    thread_id text COLLATE "C" NOT NULL REFERENCES threads(id),
    thread_seq integer NOT NULL,
    event_id text NOT NULL UNIQUE,
    event_type text NOT NULL,
    sender_id text NOT NULL,
    content text,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (thread_id, thread_seq)
  );

  CREATE TABLE messages (
    id text COLLATE "C" PRIMARY KEY,
    thread_id text COLLATE "C" NOT NULL REFERENCES threads(id),
    thread_seq integer NOT NULL,
    sender_id text NOT NULL,
    role text NOT NULL,
    content text NOT NULL,
    client_message_id text NOT NULL,
    mentions jsonb NOT NULL,
    base_seq integer,
    latest_seen_seq integer,
    created_at timestamptz NOT NULL
  );
  CREATE UNIQUE INDEX messages_by_seq ON messages (thread_id, thread_seq);
  CREATE UNIQUE INDEX messages_idempotency ON messages (thread_id, sender_id, client_message_id);

  CREATE TABLE visitors (
    id text COLLATE "C" PRIMARY KEY,
    agent_id text COLLATE "C" NOT NULL REFERENCES agents(id),
    email text,
    name text,
    identity_sub text,
    verified boolean NOT NULL DEFAULT false,
    thread_id text COLLATE "C" NOT NULL UNIQUE REFERENCES threads(id),
    created_at timestamptz NOT NULL
  );
  CREATE UNIQUE INDEX visitors_by_identity ON visitors (agent_id, identity_sub) WHERE identity_sub IS NOT NULL;

  -- Only the sha256 of a visitor token is kept; one per device.
  CREATE TABLE visitor_tokens (
    token_hash text PRIMARY KEY,
    visitor_id text COLLATE "C" NOT NULL REFERENCES visitors(id),
    created_at timestamptz NOT NULL,
    last_used_at timestamptz
  );
  CREATE INDEX visitor_tokens_by_visitor ON visitor_tokens (visitor_id);

  CREATE TABLE webhooks (
    id text COLLATE "C" PRIMARY KEY,
    thread_id text COLLATE "C" NOT NULL REFERENCES threads(id),
    callback_url text NOT NULL,
    secret text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL
  );
  CREATE INDEX webhooks_by_thread ON webhooks (thread_id);

  CREATE TABLE approvals (
    id text COLLATE "C" PRIMARY KEY,
    thread_id text COLLATE "C" NOT NULL REFERENCES threads(id),
    run_id text NOT NULL,
    tool_name text NOT NULL,
    preview jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
    expires_at timestamptz NOT NULL,
    decided_by text,
    decided_at timestamptz,
    created_at timestamptz NOT NULL
  );
  CREATE INDEX approvals_pending ON approvals (status) WHERE status = 'pending';
  `,
  // 2: webhook delivery from the log. Each subscription keeps a cursor and a lease.
  `
  ALTER TABLE webhooks ADD COLUMN delivered_seq integer NOT NULL DEFAULT 0;
  ALTER TABLE webhooks ADD COLUMN lease_owner text;
  ALTER TABLE webhooks ADD COLUMN lease_until timestamptz NOT NULL DEFAULT '-infinity';
  UPDATE webhooks SET delivered_seq = threads.last_seq FROM threads WHERE threads.id = webhooks.thread_id;
  CREATE INDEX webhooks_active ON webhooks (thread_id) WHERE active;
  `,
  // 3: rate limits shared by every process. Keys are hashes, never addresses or emails.
  `
  CREATE TABLE rate_counters (
    key text PRIMARY KEY,
    count integer NOT NULL,
    -- Epoch milliseconds: the end of the key's current window.
    reset_at bigint NOT NULL
  );
  CREATE INDEX rate_counters_expiry ON rate_counters (reset_at);
  `,
  // 4: sessions end with a password change; agent runs outlive the process that ran them.
  `
  -- Part of every user token: a token of an older version is refused (set-password bumps it).
  ALTER TABLE users ADD COLUMN session_version integer NOT NULL DEFAULT 0;

  -- The processes alive now: each renews its row; one whose lease ran out has died.
  CREATE TABLE server_processes (
    id text PRIMARY KEY,
    lease_until timestamptz NOT NULL
  );

  -- Agent runs not yet ended, and their ends: the id is the claim (a retry runs under an id
  -- derived from the failed run's, so two retries of one run cannot both start).
  CREATE TABLE agent_runs (
    id text COLLATE "C" PRIMARY KEY,
    thread_id text NOT NULL REFERENCES threads(id),
    agent_id text NOT NULL,
    message_id text NOT NULL,
    process_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
    started_at timestamptz NOT NULL,
    ended_at timestamptz
  );
  CREATE INDEX agent_runs_running ON agent_runs (process_id) WHERE status = 'running';
  `,
  // 5: secrets at rest: which data encryption key the identity and webhook secrets are sealed
  // with. The rows are sealed by sealSecrets (sealed-secrets.ts), which needs the key.
  `
  CREATE TABLE data_keys (
    version integer PRIMARY KEY,
    -- A known text sealed with the key: a start with another key fails here, not with garbage signatures.
    key_check text NOT NULL,
    created_at timestamptz NOT NULL
  );
  `,
  // 6: a lane's grouped commit is one statement (see append-group.ts): once sent, PostgreSQL
  // finishes it and releases the thread locks by itself, whatever becomes of the process that sent it.
  `
  CREATE FUNCTION append_group(writes jsonb, wait_for_locks boolean) RETURNS jsonb LANGUAGE plpgsql AS $fn$
  DECLARE
    outcomes jsonb[] := array_fill(NULL::jsonb, ARRAY[jsonb_array_length(writes)]);
    finished boolean := false;
    held text[];
    busy text[];
    at_index integer;
    w jsonb;
    thread text;
    seq integer;
    mode text;
    failed_state text;
    failed_constraint text;
    failed_message text;
  BEGIN
    -- Each attempt is one subtransaction: a failing write rolls it back, is recorded, and the
    -- others go again without it (so each write fails alone, as its own statement would).
    WHILE NOT finished LOOP
      held := '{}';
      busy := '{}';
      BEGIN
        FOR i IN 1 .. coalesce(array_length(outcomes, 1), 0) LOOP
          CONTINUE WHEN outcomes[i] ? 'error';
          at_index := i;
          w := writes -> (i - 1);
          thread := w ->> 'thread_id';
          -- Without waiting, a thread whose row another transaction holds is left out whole
          -- (all its writes, so its order holds): the caller sends it again on its own.
          IF NOT wait_for_locks AND NOT thread = ANY (held) THEN
            IF NOT thread = ANY (busy) THEN
              PERFORM 1 FROM threads WHERE id = thread FOR UPDATE SKIP LOCKED;
              IF FOUND OR NOT EXISTS (SELECT 1 FROM threads WHERE id = thread) THEN
                held := held || thread;
              ELSE
                busy := busy || thread;
              END IF;
            END IF;
            IF thread = ANY (busy) THEN
              outcomes[i] := '{"busy": true}';
              CONTINUE;
            END IF;
          END IF;
          IF w ->> 'kind' = 'message' THEN
            UPDATE threads
            SET last_seq = last_seq + 1, updated_at = (w ->> 'created_at')::timestamptz,
                activity_at = (w ->> 'created_at')::timestamptz, last_message_sender = w ->> 'sender_id',
                last_message_content = w ->> 'content', last_message_at = (w ->> 'created_at')::timestamptz
            WHERE id = thread
              AND (w ->> 'recheck_user_id' IS NULL OR EXISTS (
                SELECT 1 FROM thread_access JOIN users ON users.id = thread_access.user_id
                WHERE thread_access.user_id = w ->> 'recheck_user_id' AND thread_access.thread_id = thread
                  AND NOT users.disabled
                  AND (w ->> 'recheck_session_version' IS NULL OR users.session_version = (w ->> 'recheck_session_version')::int)))
            RETURNING last_seq, participation_mode INTO seq, mode;
            IF NOT FOUND THEN
              outcomes[i] := '{}';
              CONTINUE;
            END IF;
            INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
            VALUES (thread, seq, w ->> 'event_id', 'message_committed', w ->> 'sender_id', w ->> 'content',
                    w -> 'data', (w ->> 'created_at')::timestamptz);
            INSERT INTO messages (id, thread_id, thread_seq, sender_id, role, content, client_message_id, mentions,
                                  base_seq, latest_seen_seq, created_at)
            VALUES (w ->> 'message_id', thread, seq, w ->> 'sender_id', w ->> 'role', w ->> 'content',
                    w ->> 'client_message_id', w -> 'mentions', (w ->> 'base_seq')::int, (w ->> 'latest_seen_seq')::int,
                    (w ->> 'created_at')::timestamptz);
            outcomes[i] := jsonb_build_object('seq', seq, 'participation_mode', mode, 'webhook_ids',
              to_jsonb(ARRAY(SELECT id FROM webhooks WHERE thread_id = thread AND active ORDER BY id)));
          ELSE
            UPDATE threads SET last_seq = last_seq + 1, updated_at = (w ->> 'created_at')::timestamptz
            WHERE id = thread
            RETURNING last_seq INTO seq;
            IF NOT FOUND THEN
              outcomes[i] := '{}';
              CONTINUE;
            END IF;
            INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
            VALUES (thread, seq, w ->> 'event_id', w ->> 'event_type', w ->> 'sender_id', w ->> 'content',
                    w -> 'data', (w ->> 'created_at')::timestamptz);
            outcomes[i] := jsonb_build_object('seq', seq);
          END IF;
        END LOOP;
        finished := true;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS failed_state = RETURNED_SQLSTATE, failed_constraint = CONSTRAINT_NAME,
                                failed_message = MESSAGE_TEXT;
        outcomes[at_index] := jsonb_build_object('error', jsonb_build_object(
          'code', failed_state, 'constraint', nullif(failed_constraint, ''), 'message', failed_message));
        -- A thread whose row lock could not be had (lock_timeout) fails whole: its later
        -- writes would wait again, and committing them without this one would break its order.
        IF failed_state = '55P03' THEN
          FOR j IN at_index + 1 .. array_length(outcomes, 1) LOOP
            IF writes -> (j - 1) ->> 'thread_id' = thread THEN
              outcomes[j] := outcomes[at_index];
            END IF;
          END LOOP;
        END IF;
      END;
    END LOOP;
    RETURN to_jsonb(outcomes);
  END
  $fn$;
  `,
  // 7: a webhook ends with its creator's rights (issue 15). Delivery stops once the creator is
  // disabled, changes password (session version) or no longer sees the thread, and says why it stopped.
  `
  ALTER TABLE webhooks ADD COLUMN creator_session_version integer;
  ALTER TABLE webhooks ADD COLUMN inactive_reason text;
  -- Until now only failed deliveries turned a subscription off.
  UPDATE webhooks SET inactive_reason = 'delivery_failed' WHERE NOT active;
  -- The version at subscribing was not recorded. A creator still on version 0 never changed password, so was on 0 then.
  UPDATE webhooks SET creator_session_version = 0
    WHERE EXISTS (SELECT 1 FROM users WHERE left(webhooks.created_by, 5) = 'user:'
                  AND users.id = substr(webhooks.created_by, 6) AND users.session_version = 0);
  -- Any other creator changed password at some point, maybe after subscribing (a takeover being cleaned up):
  -- that cannot be told, so their subscriptions stop; anyone on the thread can subscribe again.
  UPDATE webhooks SET active = false, inactive_reason = 'creator_unknown', lease_owner = NULL, lease_until = '-infinity'
    WHERE active AND creator_session_version IS NULL;
  `,
  // 8: visitor tokens expire after VISITOR_TOKEN_IDLE_DAYS without use. A token's idle time starts
  // when it is issued: tokens never used since get their creation as their last use.
  `
  UPDATE visitor_tokens SET last_used_at = created_at WHERE last_used_at IS NULL;
  `,
  // 9: ownership (issue 17): who owns a thread. The status and assignee are copied onto each reader's
  // thread_access row (in the same transaction as the change): the queue filters read them there, and
  // a trigger keeps each reader's counts.
  `
  ALTER TABLE threads ADD COLUMN status text NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'waiting', 'resolved', 'snoozed'));
  -- A user id (no prefix); null: unassigned.
  ALTER TABLE threads ADD COLUMN assignee_id text COLLATE "C";
  ALTER TABLE threads ADD COLUMN agent_paused boolean NOT NULL DEFAULT false;
  ALTER TABLE threads ADD COLUMN waiting_since timestamptz;
  ALTER TABLE threads ADD COLUMN snoozed_until timestamptz;
  -- The snooze wake-up finds due threads from here alone.
  CREATE INDEX threads_snoozed ON threads (snoozed_until) WHERE status = 'snoozed';

  ALTER TABLE thread_access ADD COLUMN status text NOT NULL DEFAULT 'open';
  ALTER TABLE thread_access ADD COLUMN assignee_id text COLLATE "C";
  ALTER TABLE thread_access ADD COLUMN waiting_since timestamptz;
  -- Serve the queue filters of one reader: (user, status, assignee), and the waiting queue in its order.
  CREATE INDEX thread_access_queues ON thread_access (user_id, status, assignee_id);
  CREATE INDEX thread_access_waiting ON thread_access (user_id, waiting_since, thread_id) WHERE status = 'waiting';

  -- Each reader's queue counts, kept by the trigger below in the transaction that changes a
  -- thread_access row: reading them costs a dozen rows whatever the number of threads.
  -- bucket: 'none' (unassigned), 'mine' (assigned to the reader) or 'other'.
  CREATE TABLE queue_counts (
    user_id text COLLATE "C" NOT NULL,
    status text NOT NULL,
    bucket text NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (user_id, status, bucket)
  );
  CREATE FUNCTION queue_bucket(assignee text, reader text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN assignee IS NULL THEN 'none' WHEN assignee = reader THEN 'mine' ELSE 'other' END
  $fn$;
  INSERT INTO queue_counts (user_id, status, bucket, n)
    SELECT user_id, status, queue_bucket(assignee_id, user_id), count(*) FROM thread_access GROUP BY 1, 2, 3;
  CREATE FUNCTION count_queues() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      UPDATE queue_counts SET n = n - 1
      WHERE user_id = OLD.user_id AND status = OLD.status AND bucket = queue_bucket(OLD.assignee_id, OLD.user_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      INSERT INTO queue_counts (user_id, status, bucket, n)
      VALUES (NEW.user_id, NEW.status, queue_bucket(NEW.assignee_id, NEW.user_id), 1)
      ON CONFLICT (user_id, status, bucket) DO UPDATE SET n = queue_counts.n + 1;
    END IF;
    RETURN NULL;
  END
  $fn$;
  CREATE TRIGGER thread_access_counted AFTER INSERT OR DELETE OR UPDATE OF status, assignee_id ON thread_access
    FOR EACH ROW EXECUTE FUNCTION count_queues();
  `,
  // 10: private notes (issue 17). A note is its `note_added` event; this index finds a repeat of
  // (thread, sender, client_message_id) and refuses a second note with that key. Partial: no other event pays for it.
  `
  CREATE UNIQUE INDEX events_note_idempotency ON events (thread_id, sender_id, (data ->> 'client_message_id'))
    WHERE event_type = 'note_added';
  `,
  // 11: search (issue 17). Triggers keep the indexes in the transaction of each commit, whatever path writes
  // (the append function of the write lanes among them).
  `
  -- Text as the search sees it: punctuation and symbols are spaces, Latin letters lose their accents, then lower
  -- case. unaccent is an extension a database may not offer; translate is built in. Queries fold words the same
  -- way (search-query.ts, foldWord).
  CREATE FUNCTION search_fold(input text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fold$
    SELECT lower(translate(
      regexp_replace(input, '[[:punct:]\\u00a0-\\u00bf\\u00d7\\u00f7\\u2000-\\u2bff\\u3000-\\u303f\\U0001f000-\\U0001faff]+', ' ', 'g'),
      'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ',
      'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyy'))
  $fold$;

  -- Messages and notes: the words, and one lexeme per thread ('#' and its id: no folded word looks like it)
  -- so that a search over a few threads filters inside the index. The text stays in events only.
  CREATE TABLE event_search (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id text COLLATE "C" NOT NULL,
    thread_seq integer NOT NULL,
    document tsvector NOT NULL
  );
  INSERT INTO event_search (thread_id, thread_seq, document)
    SELECT thread_id, thread_seq,
           to_tsvector('simple', search_fold(coalesce(content, data ->> 'content', ''))) || array_to_tsvector(ARRAY['#' || thread_id])
    FROM events WHERE event_type IN ('message_committed', 'note_added') ORDER BY created_at, thread_id, thread_seq;
  CREATE INDEX event_search_document ON event_search USING gin (document);
  CREATE FUNCTION event_search_add() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    INSERT INTO event_search (thread_id, thread_seq, document)
    VALUES (NEW.thread_id, NEW.thread_seq,
            to_tsvector('simple', search_fold(coalesce(NEW.content, NEW.data ->> 'content', '')))
              || array_to_tsvector(ARRAY['#' || NEW.thread_id]));
    RETURN NULL;
  END
  $fn$;
  CREATE TRIGGER event_search_add AFTER INSERT ON events FOR EACH ROW
    WHEN (NEW.event_type IN ('message_committed', 'note_added')) EXECUTE FUNCTION event_search_add();

  -- Threads by title, participants' names and the visitor's label; body is that text, joined by ' · '.
  CREATE TABLE thread_search (
    thread_id text COLLATE "C" PRIMARY KEY,
    body text NOT NULL,
    document tsvector NOT NULL
  );
  CREATE FUNCTION thread_search_refresh(thread text) RETURNS void LANGUAGE sql AS $fn$
    INSERT INTO thread_search (thread_id, body, document)
    SELECT t.id, text.body, to_tsvector('simple', search_fold(text.body))
    FROM threads AS t, LATERAL (SELECT concat_ws(' · ', nullif(t.title, ''),
      (SELECT string_agg(p.name, ' · ' ORDER BY p.position) FROM participants AS p WHERE p.thread_id = t.id),
      (SELECT nullif(concat_ws(' · ', v.email, v.name), '') FROM visitors AS v WHERE v.thread_id = t.id)) AS body) AS text
    WHERE t.id = thread
    ON CONFLICT (thread_id) DO UPDATE SET body = excluded.body, document = excluded.document;
  $fn$;
  SELECT thread_search_refresh(id) FROM threads;
  CREATE INDEX thread_search_document ON thread_search USING gin (document);
  CREATE FUNCTION thread_search_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    IF TG_TABLE_NAME = 'threads' THEN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM thread_search WHERE thread_id = OLD.id;
      ELSE
        PERFORM thread_search_refresh(NEW.id);
      END IF;
    ELSE
      PERFORM thread_search_refresh(NEW.thread_id);
    END IF;
    RETURN NULL;
  END
  $fn$;
  CREATE TRIGGER thread_search_threads AFTER INSERT OR DELETE OR UPDATE OF title ON threads
    FOR EACH ROW EXECUTE FUNCTION thread_search_changed();
  CREATE TRIGGER thread_search_participants AFTER INSERT OR UPDATE OF name ON participants
    FOR EACH ROW EXECUTE FUNCTION thread_search_changed();
  CREATE TRIGGER thread_search_visitors AFTER INSERT OR UPDATE OF email, name ON visitors
    FOR EACH ROW EXECUTE FUNCTION thread_search_changed();
  `,
  // 12: a message's grouped commit also returns the thread's status as its UPDATE left it (issue 17), so a send
  // decides the ownership rules without reading it again. Migration 6's function, with that one column more.
  `
  CREATE OR REPLACE FUNCTION append_group(writes jsonb, wait_for_locks boolean) RETURNS jsonb LANGUAGE plpgsql AS $fn$
  DECLARE
    outcomes jsonb[] := array_fill(NULL::jsonb, ARRAY[jsonb_array_length(writes)]);
    finished boolean := false;
    held text[];
    busy text[];
    at_index integer;
    w jsonb;
    thread text;
    seq integer;
    mode text;
    thread_status text;
    failed_state text;
    failed_constraint text;
    failed_message text;
  BEGIN
    -- Each attempt is one subtransaction: a failing write rolls it back, is recorded, and the
    -- others go again without it (so each write fails alone, as its own statement would).
    WHILE NOT finished LOOP
      held := '{}';
      busy := '{}';
      BEGIN
        FOR i IN 1 .. coalesce(array_length(outcomes, 1), 0) LOOP
          CONTINUE WHEN outcomes[i] ? 'error';
          at_index := i;
          w := writes -> (i - 1);
          thread := w ->> 'thread_id';
          -- Without waiting, a thread whose row another transaction holds is left out whole
          -- (all its writes, so its order holds): the caller sends it again on its own.
          IF NOT wait_for_locks AND NOT thread = ANY (held) THEN
            IF NOT thread = ANY (busy) THEN
              PERFORM 1 FROM threads WHERE id = thread FOR UPDATE SKIP LOCKED;
              IF FOUND OR NOT EXISTS (SELECT 1 FROM threads WHERE id = thread) THEN
                held := held || thread;
              ELSE
                busy := busy || thread;
              END IF;
            END IF;
            IF thread = ANY (busy) THEN
              outcomes[i] := '{"busy": true}';
              CONTINUE;
            END IF;
          END IF;
          IF w ->> 'kind' = 'message' THEN
            UPDATE threads
            SET last_seq = last_seq + 1, updated_at = (w ->> 'created_at')::timestamptz,
                activity_at = (w ->> 'created_at')::timestamptz, last_message_sender = w ->> 'sender_id',
                last_message_content = w ->> 'content', last_message_at = (w ->> 'created_at')::timestamptz
            WHERE id = thread
              AND (w ->> 'recheck_user_id' IS NULL OR EXISTS (
                SELECT 1 FROM thread_access JOIN users ON users.id = thread_access.user_id
                WHERE thread_access.user_id = w ->> 'recheck_user_id' AND thread_access.thread_id = thread
                  AND NOT users.disabled
                  AND (w ->> 'recheck_session_version' IS NULL OR users.session_version = (w ->> 'recheck_session_version')::int)))
            RETURNING last_seq, participation_mode, status INTO seq, mode, thread_status;
            IF NOT FOUND THEN
              outcomes[i] := '{}';
              CONTINUE;
            END IF;
            INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
            VALUES (thread, seq, w ->> 'event_id', 'message_committed', w ->> 'sender_id', w ->> 'content',
                    w -> 'data', (w ->> 'created_at')::timestamptz);
            INSERT INTO messages (id, thread_id, thread_seq, sender_id, role, content, client_message_id, mentions,
                                  base_seq, latest_seen_seq, created_at)
            VALUES (w ->> 'message_id', thread, seq, w ->> 'sender_id', w ->> 'role', w ->> 'content',
                    w ->> 'client_message_id', w -> 'mentions', (w ->> 'base_seq')::int, (w ->> 'latest_seen_seq')::int,
                    (w ->> 'created_at')::timestamptz);
            outcomes[i] := jsonb_build_object('seq', seq, 'participation_mode', mode, 'status', thread_status, 'webhook_ids',
              to_jsonb(ARRAY(SELECT id FROM webhooks WHERE thread_id = thread AND active ORDER BY id)));
          ELSE
            UPDATE threads SET last_seq = last_seq + 1, updated_at = (w ->> 'created_at')::timestamptz
            WHERE id = thread
            RETURNING last_seq INTO seq;
            IF NOT FOUND THEN
              outcomes[i] := '{}';
              CONTINUE;
            END IF;
            INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
            VALUES (thread, seq, w ->> 'event_id', w ->> 'event_type', w ->> 'sender_id', w ->> 'content',
                    w -> 'data', (w ->> 'created_at')::timestamptz);
            outcomes[i] := jsonb_build_object('seq', seq);
          END IF;
        END LOOP;
        finished := true;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS failed_state = RETURNED_SQLSTATE, failed_constraint = CONSTRAINT_NAME,
                                failed_message = MESSAGE_TEXT;
        outcomes[at_index] := jsonb_build_object('error', jsonb_build_object(
          'code', failed_state, 'constraint', nullif(failed_constraint, ''), 'message', failed_message));
        -- A thread whose row lock could not be had (lock_timeout) fails whole: its later
        -- writes would wait again, and committing them without this one would break its order.
        IF failed_state = '55P03' THEN
          FOR j IN at_index + 1 .. array_length(outcomes, 1) LOOP
            IF writes -> (j - 1) ->> 'thread_id' = thread THEN
              outcomes[j] := outcomes[at_index];
            END IF;
          END LOOP;
        END IF;
      END;
    END LOOP;
    RETURN to_jsonb(outcomes);
  END
  $fn$;
  `,
  // 13: each thread's search entries newest first (issue 17): a reader of few threads reads the newest rows of
  // each (postgres/search.ts, EVENT_SEARCH_WINDOW_SQL) instead of a common word's whole GIN posting list.
  `
  CREATE INDEX event_search_thread ON event_search (thread_id, position);
  `,
  // 14: a cheaper search fold (issue 17). Migration 11's translate() of ~300 accented letters took about 100 µs
  // of each message's commit; decomposing (NFD) and dropping the combining marks does the same in a tenth, and
  // folds as the queries do (search-query.ts, foldWord), also letters translate() did not list (Greek tonos).
  // normalize() needs a UTF8 database: any other keeps migration 11's fold.
  `
  DO $do$
  BEGIN
    IF current_setting('server_encoding') = 'UTF8' THEN
      CREATE OR REPLACE FUNCTION search_fold(input text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fold$
        SELECT lower(regexp_replace(
          regexp_replace(normalize(input, NFD),
            '[[:punct:]\\u00a0-\\u00bf\\u00d7\\u00f7\\u2000-\\u2bff\\u3000-\\u303f\\U0001f000-\\U0001faff]+', ' ', 'g'),
          '[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\ufe20-\\ufe2f]+', '', 'g'))
      $fold$;
    END IF;
  END
  $do$;
  `,
  // 15: an agent's expected reply time (issue 23), "usually replies within …" for visitors; null says nothing.
  `
  ALTER TABLE agents ADD COLUMN expected_reply_minutes integer CHECK (expected_reply_minutes BETWEEN 1 AND 10080);
  `,
  // 16: a visitor's own conversations (CONTRACT §7 "my conversations", issue 23): their threads are found by their
  // sender id, which the participants' key (thread first) cannot serve.
  `
  CREATE INDEX participants_by_sender ON participants (sender_id, thread_id);
  `,
  // 17: web push and email (issue 18, CONTRACT §12): the VAPID keys (private key sealed; every process shares them),
  // users' push subscriptions (one per user and endpoint), approval action tokens (their hash only) and kinds whose
  // email a user turned off.
  `
  CREATE TABLE vapid_keys (
    id integer PRIMARY KEY CHECK (id = 1),
    public_key text NOT NULL,
    private_key text NOT NULL,
    created_at timestamptz NOT NULL
  );
  CREATE TABLE push_subscriptions (
    id text COLLATE "C" PRIMARY KEY,
    user_id text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint text NOT NULL,
    p256dh text NOT NULL,
    auth text NOT NULL,
    created_at timestamptz NOT NULL,
    last_used_at timestamptz,
    UNIQUE (user_id, endpoint)
  );
  CREATE TABLE approval_action_tokens (
    token_hash text COLLATE "C" PRIMARY KEY,
    user_id text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    approval_id text COLLATE "C" NOT NULL,
    expires_at timestamptz NOT NULL,
    spent_at timestamptz,
    created_at timestamptz NOT NULL
  );
  CREATE INDEX approval_action_tokens_by_expiry ON approval_action_tokens (expires_at);
  CREATE TABLE email_opt_outs (
    user_id text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, kind)
  );
  `,
  // 18: notifications (CONTRACT §12, issue 18). Each thread's rules cursor starts at its end (history is
  // not notified); notifications are unique per (user, kind, thread, seq); deliveries are queued per user, in
  // order, with a lease per user. Times of leases and deliveries are epoch ms.
  `
  CREATE TABLE notification_settings (
    user_id text COLLATE "C" PRIMARY KEY REFERENCES users(id),
    settings jsonb NOT NULL
  );
  CREATE TABLE notification_cursors (
    thread_id text COLLATE "C" PRIMARY KEY REFERENCES threads(id),
    notified_seq integer NOT NULL,
    lease_owner text,
    lease_until bigint NOT NULL DEFAULT 0
  );
  INSERT INTO notification_cursors (thread_id, notified_seq) SELECT id, last_seq FROM threads;
  CREATE TABLE notifications (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    user_id text COLLATE "C" NOT NULL REFERENCES users(id),
    kind text NOT NULL,
    thread_id text COLLATE "C" NOT NULL REFERENCES threads(id),
    thread_seq integer NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    approval_id text,
    approval_expires_at timestamptz,
    created_at timestamptz NOT NULL,
    read_at timestamptz,
    UNIQUE (user_id, kind, thread_id, thread_seq)
  );
  CREATE INDEX notifications_by_user ON notifications (user_id, position);
  CREATE INDEX notifications_unread ON notifications (user_id, position) WHERE read_at IS NULL;
  CREATE TABLE notification_deliveries (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id text COLLATE "C" NOT NULL REFERENCES notifications(id),
    user_id text COLLATE "C" NOT NULL,
    channel text NOT NULL CHECK (channel IN ('push', 'email')),
    due_at bigint NOT NULL,
    attempts integer NOT NULL DEFAULT 0
  );
  CREATE INDEX notification_deliveries_by_user ON notification_deliveries (user_id, channel, position);
  CREATE INDEX notification_deliveries_due ON notification_deliveries (due_at);
  CREATE TABLE notification_delivery_leases (
    user_id text COLLATE "C" PRIMARY KEY,
    lease_owner text,
    lease_until bigint NOT NULL DEFAULT 0
  );
  `,
  // Visitor follow-up (CONTRACT §12 "Visitors who left"): the agent's website and switch; per visitor what
  // waits (the thread, its first unseen reply, when), the hourly cap, the worker's lease; one-time resume links.
  `
  ALTER TABLE agents ADD COLUMN website_url text;
  ALTER TABLE agents ADD COLUMN email_follow_up boolean NOT NULL DEFAULT false;
  CREATE TABLE visitor_follow_ups (
    visitor_id text COLLATE "C" PRIMARY KEY REFERENCES visitors(id),
    agent_id text COLLATE "C" NOT NULL,
    thread_id text COLLATE "C" NOT NULL,
    from_seq bigint NOT NULL,
    due_at bigint,
    version bigint NOT NULL DEFAULT 1,
    last_sent_at bigint,
    sent_thread_id text COLLATE "C",
    sent_up_to_seq bigint,
    lease_owner text,
    lease_until bigint NOT NULL DEFAULT 0
  );
  CREATE INDEX visitor_follow_ups_due ON visitor_follow_ups (due_at) WHERE due_at IS NOT NULL;
  CREATE TABLE visitor_resume_tokens (
    token_hash text PRIMARY KEY,
    visitor_id text COLLATE "C" NOT NULL REFERENCES visitors(id),
    agent_id text COLLATE "C" NOT NULL,
    thread_id text COLLATE "C" NOT NULL,
    expires_at timestamptz NOT NULL,
    spent_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX visitor_resume_tokens_expiry ON visitor_resume_tokens (expires_at);
  `,
  // Attachments (CONTRACT §13): uploads' metadata and their bytes in chunks (so every process serves every
  // file), the message that carries each (null until sent: unused ones are swept by one process: the lease).
  `
  CREATE TABLE attachments (
    id text COLLATE "C" PRIMARY KEY,
    thread_id text COLLATE "C" NOT NULL REFERENCES threads(id),
    uploader_id text COLLATE "C" NOT NULL,
    name text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL,
    width integer,
    height integer,
    sha256 text NOT NULL,
    thumbnail_type text,
    thumbnail_size bigint,
    thumbnail_sha256 text,
    message_id text COLLATE "C",
    created_at timestamptz NOT NULL
  );
  CREATE INDEX attachments_by_thread ON attachments (thread_id);
  CREATE INDEX attachments_unused ON attachments (created_at) WHERE message_id IS NULL;
  ALTER TABLE messages ADD COLUMN attachments jsonb;
  -- What the agent lets visitors send ({enabled, max_bytes, types}); null: the defaults.
  ALTER TABLE agents ADD COLUMN attachment_policy jsonb;
  CREATE TABLE attachment_sweep_lease (
    id integer PRIMARY KEY CHECK (id = 1),
    lease_owner text NOT NULL,
    lease_until bigint NOT NULL
  );
  -- A file's bytes in order: chunk n starts at byte start_at (ranges read only the chunks they need).
  CREATE TABLE attachment_chunks (
    key text COLLATE "C" NOT NULL,
    n integer NOT NULL,
    start_at bigint NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (key, n)
  );
  -- Chunks are small enough (8,000 bytes) to fit a page whole: kept in the row, never split into TOAST.
  ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE PLAIN;
  `,
  // The widget's language per visitor (CONTRACT §12: the follow-up email is written in it); null: never said.
  `
  ALTER TABLE visitors ADD COLUMN language text;
  `,
  // Busy threads (issue 18's budgets): one unread `message` notification per (user, thread), updated in place
  // as messages arrive. `collapse_key` (the thread, on `message` notifications) is unique among a user's
  // unread ones; `count` is how many messages one stands for and `sender_id` their sender while it is one.
  // The newest unread `message` notification of each (user, thread) becomes the one later messages update;
  // older ones stay as they are. A delivery is one per (notification, channel) and remembers the seq it was
  // queued or updated for, so that one sent while the notification changed is not ended (the newer is sent).
  `
  ALTER TABLE notifications ADD COLUMN collapse_key text COLLATE "C";
  ALTER TABLE notifications ADD COLUMN count integer NOT NULL DEFAULT 1;
  ALTER TABLE notifications ADD COLUMN sender_id text;
  -- The words of its counted title ({from, in}: {before, after} the number), for the one statement
  -- that adds to its count (the proposed row is all an upsert's update can read of the draft).
  ALTER TABLE notifications ADD COLUMN counted_titles jsonb;
  UPDATE notifications AS n SET collapse_key = n.thread_id
  FROM (SELECT max(position) AS position FROM notifications WHERE kind = 'message' AND read_at IS NULL GROUP BY user_id, thread_id) AS newest
  WHERE n.position = newest.position;
  CREATE UNIQUE INDEX notifications_collapse ON notifications (user_id, collapse_key) WHERE read_at IS NULL AND collapse_key IS NOT NULL;
  ALTER TABLE notification_deliveries ADD COLUMN thread_seq integer NOT NULL DEFAULT 0;
  DELETE FROM notification_deliveries WHERE position NOT IN (
    SELECT min(position) FROM notification_deliveries GROUP BY notification_id, channel);
  UPDATE notification_deliveries AS d SET thread_seq = n.thread_seq FROM notifications AS n WHERE n.id = d.notification_id;
  CREATE UNIQUE INDEX notification_deliveries_once ON notification_deliveries (notification_id, channel);
  `,
  // Privacy operations (CONTRACT §14): owners find a visitor by email within their agent; each agent may keep
  // conversations for a while only (retention_days, null: forever), swept by one process at a time (the lease);
  // the audit log is append-only and names people by id only (no content, no secret, no email or name).
  `
  CREATE INDEX visitors_by_agent_email ON visitors (agent_id, lower(email));
  ALTER TABLE agents ADD COLUMN retention_days double precision CHECK (retention_days IS NULL OR retention_days > 0);
  CREATE TABLE retention_sweep_lease (
    id integer PRIMARY KEY CHECK (id = 1),
    lease_owner text NOT NULL,
    lease_until bigint NOT NULL
  );
  CREATE TABLE audit_log (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    agent_id text COLLATE "C",
    at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    details jsonb NOT NULL,
    address text
  );
  CREATE INDEX audit_log_by_agent ON audit_log (agent_id, position);
  `, // An erasure that cannot be left half done (CONTRACT §14): each erased thread's mark, written in the same transaction
  // as its `thread_deleted`, says who erased it and why (the audit entry written at the end is made from it) and makes
  // the thread gone for every reader at once, while its webhooks still take the farewell. The retention sweeper
  // finishes what a crash left marked (one process at a time: its lease); the mark goes with the thread row (a thread erased alone) or with the visitor
  // row (a visitor's erasure, whose audit entry is written then).
  `
  CREATE TABLE thread_erasures (
    thread_id text COLLATE "C" PRIMARY KEY,
    visitor_id text COLLATE "C",
    agent_id text COLLATE "C",
    reason text NOT NULL,
    erased_by text NOT NULL,
    actor text NOT NULL,
    address text,
    farewell_seq integer NOT NULL,
    marked_at timestamptz NOT NULL
  );
  CREATE INDEX thread_erasures_by_visitor ON thread_erasures (visitor_id) WHERE visitor_id IS NOT NULL;
  CREATE INDEX thread_erasures_by_time ON thread_erasures (marked_at);
  -- Who finishes the erasures left unfinished: one process at a time, as the retention sweep's lease.
  CREATE TABLE erasure_resume_lease (
    id integer PRIMARY KEY CHECK (id = 1),
    lease_owner text NOT NULL,
    lease_until bigint NOT NULL
  );
  `,
  // Busy threads, round two (issue 18): a new message updates each reader's unread `message` notification in
  // place. PostgreSQL writes such an update beside the old version in its page (HOT) only when no indexed column
  // changes; otherwise it is a new entry in each of the six indexes, which made a round of a thousand readers
  // four times as long. So `created_seq` (the seq it was made for, never changed) takes `thread_seq`'s place in
  // the once-per-(user, kind, thread, seq) key, and one that is already the newest of its user's keeps its
  // `position` (the identity may then be given a value: BY DEFAULT). Pages keep room for the new versions.
  `
  ALTER TABLE notifications ADD COLUMN created_seq integer;
  UPDATE notifications SET created_seq = thread_seq;
  ALTER TABLE notifications ALTER COLUMN created_seq SET NOT NULL;
  ALTER TABLE notifications DROP CONSTRAINT notifications_user_id_kind_thread_id_thread_seq_key;
  ALTER TABLE notifications ADD CONSTRAINT notifications_once UNIQUE (user_id, kind, thread_id, created_seq);
  ALTER TABLE notifications ALTER COLUMN position SET GENERATED BY DEFAULT;
  ALTER TABLE notifications SET (fillfactor = 70);
  ALTER TABLE notification_deliveries SET (fillfactor = 70);
  `,
];

/** Any number for the advisory lock that serialises migrations; the same in every process. */
const MIGRATION_LOCK_KEY = 0x616d6132; // "ama2"

/**
 * Brings the database up to the newest schema. Several processes may start at once: a
 * transaction-scoped advisory lock lets one migrate while the others wait, then find
 * nothing left to do. All pending migrations commit together or not at all.
 */
export async function migrate(sql: postgres.Sql): Promise<void> {
  await sql.begin(async (tx) => {
    // The processes started with this one wait here, and a migration waits for the tables' locks, as long as it takes.
    await tx`SET LOCAL lock_timeout = 0`;
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    const [row] = await tx<{ version: number }[]>`SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations`;
    const version = row!.version;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `The database was written by a newer version of this server (schema ${version}, this one knows ${MIGRATIONS.length}).`,
      );
    }
    for (let index = version; index < MIGRATIONS.length; index++) {
      await tx.unsafe(MIGRATIONS[index]!);
      await tx`INSERT INTO schema_migrations (version) VALUES (${index + 1})`;
    }
  });
}
