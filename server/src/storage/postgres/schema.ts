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
  // 5: visitor tokens expire after VISITOR_TOKEN_IDLE_DAYS without use. A token's idle time starts
  // when it is issued: tokens never used since get their creation as their last use.
  `
  UPDATE visitor_tokens SET last_used_at = created_at WHERE last_used_at IS NULL;
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
