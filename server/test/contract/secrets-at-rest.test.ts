import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../support/postgres.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { identityClaims, resolve, signIdentityToken } from '../support/visitors.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

type Session = { token: string; user: { id: string } };

const modeOf = (path: string) => statSync(path).mode & 0o777;
const newKey = () => randomBytes(32).toString('base64');

/** The raw bytes of the SQLite file and its WAL, as a backup or a copy of the folder would hold them. */
function rawBytes(databasePath: string): Buffer {
  const wal = `${databasePath}-wal`;
  return Buffer.concat([readFileSync(databasePath), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]);
}

/** Whether `bytes` hold `secret`, or its random part without the `ais_` / `whsec_` prefix. */
function holds(bytes: Buffer, secret: string): boolean {
  const random = secret.slice(secret.indexOf('_') + 1);
  return bytes.includes(Buffer.from(secret)) || bytes.includes(Buffer.from(random));
}

async function newIdentitySecret(server: TestServer, owner: Session): Promise<string> {
  const response = await api(server, 'POST', '/agents/demo/identity-secret', { token: owner.token });
  expect(response.status).toBe(201);
  return response.body.secret as string;
}

async function registerWebhook(server: TestServer, owner: Session, threadId: string, receiver: Receiver) {
  const response = await api(server, 'POST', `/chat/threads/${threadId}/webhooks`, {
    token: owner.token,
    body: { callback_url: receiver.url },
  });
  expect(response.status).toBe(201);
  receiver.secret = response.body.secret as string;
  return response.body as { subscription_id: string; secret: string };
}

/** A visitor vouched for with a token signed with `secret` is let in, verified. */
async function expectIdentityAccepted(server: TestServer, secret: string) {
  const resolved = await resolve(server, { identity_token: signIdentityToken(secret, identityClaims('demo', `sub-${randomUUID()}`)) });
  expect(resolved.status).toBe(201);
  expect(resolved.body.verified).toBe(true);
}

/** A message in the thread reaches the receiver with an X-AMA2-Signature that its secret verifies. */
async function expectSignedDelivery(server: TestServer, owner: Session, threadId: string, receiver: Receiver) {
  const before = receiver.deliveries.length;
  const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: owner.token, body: sendBody('signed?') });
  expect(sent.status).toBe(201);
  await waitFor('a webhook delivery', () => receiver.deliveries.length > before);
  const delivery = receiver.deliveries[before]!;
  expect(delivery.event.thread_seq).toBe(sent.body.message.thread_seq);
  expect(delivery.verified).toBe(true);
}

describe('secrets at rest in the SQLite file', () => {
  const dirs: string[] = [];
  const receivers: Receiver[] = [];
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(receivers.map((receiver) => receiver.close()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A database path in a folder that does not exist yet (the server creates it). */
  function newDatabasePath(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ama2-secrets-'));
    dirs.push(dir);
    return join(dir, 'data', 'ama2.sqlite');
  }

  async function start(env: NodeJS.ProcessEnv): Promise<{ server: TestServer; alice: Session; bob: Session }> {
    const server = await startTestServer(env);
    servers.push(server);
    return { server, alice: await server.login('alice@example.com'), bob: await server.login('bob@example.com') };
  }

  async function newReceiver(): Promise<Receiver> {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    return receiver;
  }

  it('creates the database, its WAL and shared memory, the JWT secret and the key owner-only (0600), in a folder of 0700', async () => {
    const path = newDatabasePath();
    const { server, alice, bob } = await start({ DATABASE_PATH: path });
    await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    expect(modeOf(join(path, '..'))).toBe(0o700);
    for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}.jwt-secret`, `${path}.data-key`]) {
      expect(modeOf(file), file).toBe(0o600);
    }
  });

  it('makes the files an earlier version left readable by others owner-only when it opens them', async () => {
    const path = newDatabasePath();
    const first = await start({ DATABASE_PATH: path });
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);
    // As an earlier version would have left them (umask 022), WAL included.
    const earlier = new Database(path);
    earlier.pragma('journal_mode = WAL');
    const files = [path, `${path}-wal`, `${path}-shm`, `${path}.jwt-secret`, `${path}.data-key`];
    for (const file of files) chmodSync(file, 0o644);
    await start({ DATABASE_PATH: path });
    earlier.close();
    for (const file of files) expect(modeOf(file), file).toBe(0o600);
  });

  it('keeps identity and webhook secrets out of the raw file and WAL, and they still sign and verify end to end', async () => {
    const path = newDatabasePath();
    const { server, alice, bob } = await start({ DATABASE_PATH: path });
    const identitySecret = await newIdentitySecret(server, alice);
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    const receiver = await newReceiver();
    const webhook = await registerWebhook(server, alice, thread.id, receiver);

    const bytes = rawBytes(path);
    expect(holds(bytes, identitySecret), 'identity secret in the file').toBe(false);
    expect(holds(bytes, webhook.secret), 'webhook secret in the file').toBe(false);
    // What is stored instead: a sealed value per row.
    const raw = new Database(path, { readonly: true });
    const stored = raw.prepare('SELECT secret FROM webhooks WHERE id = ?').get(webhook.subscription_id) as { secret: string };
    expect(stored.secret).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    raw.close();

    await expectSignedDelivery(server, alice, thread.id, receiver);
    await expectIdentityAccepted(server, identitySecret);
  });

  it("leaves nothing of a deleted webhook's secret in the file or the WAL once a checkpoint has run", async () => {
    const path = newDatabasePath();
    const { server, alice, bob } = await start({ DATABASE_PATH: path });
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    const receiver = await newReceiver();
    const webhook = await registerWebhook(server, alice, thread.id, receiver);
    const raw = new Database(path);
    const { secret: sealed } = raw.prepare('SELECT secret FROM webhooks WHERE id = ?').get(webhook.subscription_id) as { secret: string };
    raw.pragma('wal_checkpoint(TRUNCATE)');
    expect(rawBytes(path).includes(Buffer.from(sealed)), 'the sealed secret is in the file').toBe(true);

    const deleted = await api(server, 'DELETE', `/chat/threads/${thread.id}/webhooks/${webhook.subscription_id}`, { token: alice.token });
    expect(deleted.status).toBe(204);
    // Until a checkpoint, the WAL still holds the page as it was written when the webhook was made.
    expect(raw.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    const bytes = rawBytes(path);
    raw.close();
    expect(holds(bytes, webhook.secret), 'the secret').toBe(false);
    expect(bytes.includes(Buffer.from(sealed)), 'the sealed secret').toBe(false);
    expect(bytes.includes(Buffer.from(sealed.slice(3, 40))), 'a piece of the sealed secret').toBe(false);
  });

  it('starts again with the same key (secrets still work), and refuses to start with another key, saying why', async () => {
    const path = newDatabasePath();
    const first = await start({ DATABASE_PATH: path });
    const identitySecret = await newIdentitySecret(first.server, first.alice);
    const thread = await createThread(first.server, first.alice.token, { target_user_ids: [first.bob.user.id] });
    const receiver = await newReceiver();
    await registerWebhook(first.server, first.alice, thread.id, receiver);
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);

    const again = await start({ DATABASE_PATH: path });
    await expectIdentityAccepted(again.server, identitySecret);
    await expectSignedDelivery(again.server, again.alice, thread.id, receiver);
    await again.server.close();
    servers.splice(servers.indexOf(again.server), 1);

    await expect(startTestServer({ DATABASE_PATH: path, DATA_ENCRYPTION_KEY: newKey() })).rejects.toThrow(
      "The data encryption key does not open this database's secrets",
    );
  });

  it('seals the plain-text secrets of a database from before, and clears them from its free pages', async () => {
    const path = newDatabasePath();
    const first = await start({ DATABASE_PATH: path });
    const thread = await createThread(first.server, first.alice.token, { target_user_ids: [first.bob.user.id] });
    const receiver = await newReceiver();
    const kept = await registerWebhook(first.server, first.alice, thread.id, receiver);
    const gone = await registerWebhook(first.server, first.alice, thread.id, await newReceiver());
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);
    // As an earlier version left it: secrets in plain text, a deleted one still in a free cell.
    const plain = { identity: `ais_${randomBytes(24).toString('base64url')}`, deleted: gone.secret };
    const legacy = new Database(path);
    legacy.pragma('secure_delete = OFF');
    legacy
      .prepare("UPDATE agents SET identity_secret = ?, identity_secret_created_at = ? WHERE slug = 'demo'")
      .run(plain.identity, new Date().toISOString());
    legacy.prepare('UPDATE webhooks SET secret = ? WHERE id = ?').run(kept.secret, kept.subscription_id);
    legacy.prepare('UPDATE webhooks SET secret = ? WHERE id = ?').run(gone.secret, gone.subscription_id);
    legacy.prepare('DELETE FROM webhooks WHERE id = ?').run(gone.subscription_id);
    legacy.exec('DELETE FROM data_keys');
    legacy.pragma('wal_checkpoint(TRUNCATE)');
    legacy.close();
    expect(holds(rawBytes(path), plain.deleted), 'the set-up left the deleted secret behind').toBe(true);

    const upgraded = await start({ DATABASE_PATH: path });
    await expectIdentityAccepted(upgraded.server, plain.identity);
    await expectSignedDelivery(upgraded.server, upgraded.alice, thread.id, receiver);
    const bytes = rawBytes(path);
    for (const [name, secret] of Object.entries({ ...plain, kept: kept.secret })) expect(holds(bytes, secret), name).toBe(false);
  });
});

describePostgres('secrets at rest in PostgreSQL', () => {
  let databaseUrl: string;
  let key: string;
  let sql: postgres.Sql;
  const receivers: Receiver[] = [];
  const servers: TestServer[] = [];

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    key = newKey();
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await sql?.end();
  });

  async function start(dataKey: string) {
    const server = await startTestServer({ DATABASE_URL: databaseUrl, DEMO_DATA: 'true', DATA_ENCRYPTION_KEY: dataKey });
    servers.push(server);
    return { server, alice: await server.login('alice@example.com'), bob: await server.login('bob@example.com') };
  }

  it('stores sealed values only; signatures verify; a restart with the same key works, with another it stops clearly', async () => {
    const first = await start(key);
    const identitySecret = await newIdentitySecret(first.server, first.alice);
    const thread = await createThread(first.server, first.alice.token, { target_user_ids: [first.bob.user.id] });
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const webhook = await registerWebhook(first.server, first.alice, thread.id, receiver);

    const [agent] = await sql<{ identity_secret: string }[]>`SELECT identity_secret FROM agents WHERE slug = 'demo'`;
    const [row] = await sql<{ secret: string }[]>`SELECT secret FROM webhooks WHERE id = ${webhook.subscription_id}`;
    expect(agent!.identity_secret).toMatch(/^v1:/);
    expect(row!.secret).toMatch(/^v1:/);
    expect(holds(Buffer.from(agent!.identity_secret), identitySecret)).toBe(false);
    expect(holds(Buffer.from(row!.secret), webhook.secret)).toBe(false);
    await expectSignedDelivery(first.server, first.alice, thread.id, receiver);
    await expectIdentityAccepted(first.server, identitySecret);
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);

    const again = await start(key);
    await expectIdentityAccepted(again.server, identitySecret);
    await expectSignedDelivery(again.server, again.alice, thread.id, receiver);
    await again.server.close();
    servers.splice(servers.indexOf(again.server), 1);

    await expect(start(newKey())).rejects.toThrow(
      /Could not open the PostgreSQL database .*: The data encryption key does not open this database's secrets/,
    );
  });

  it('seals the plain-text secrets of a database from before on the next start', async () => {
    const first = await start(key);
    const thread = await createThread(first.server, first.alice.token, { target_user_ids: [first.bob.user.id] });
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const webhook = await registerWebhook(first.server, first.alice, thread.id, receiver);
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);
    const identity = `ais_${randomBytes(24).toString('base64url')}`;
    await sql.begin(async (tx) => {
      await tx`UPDATE agents SET identity_secret = ${identity}, identity_secret_created_at = now() WHERE slug = 'demo'`;
      await tx`UPDATE webhooks SET secret = ${webhook.secret} WHERE id = ${webhook.subscription_id}`;
      await tx`DELETE FROM data_keys`;
    });

    const upgraded = await start(key);
    const [agent] = await sql<{ identity_secret: string }[]>`SELECT identity_secret FROM agents WHERE slug = 'demo'`;
    const [row] = await sql<{ secret: string }[]>`SELECT secret FROM webhooks WHERE id = ${webhook.subscription_id}`;
    expect(agent!.identity_secret).toMatch(/^v1:/);
    expect(row!.secret).toMatch(/^v1:/);
    await expectIdentityAccepted(upgraded.server, identity);
    await expectSignedDelivery(upgraded.server, upgraded.alice, thread.id, receiver);
  });
});
