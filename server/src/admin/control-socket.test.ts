import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrivacyService } from '../privacy/privacy-service.ts';
import type { Storage } from '../storage/storage.ts';
import type { VisitorSummary } from '../storage/stores/privacy-store.ts';
import { askRunningServer, ControlSocket, controlSocketPath } from './control-socket.ts';

const quiet = { warn: () => undefined, error: () => undefined, info: () => undefined } as unknown as FastifyBaseLogger;

/** One raw line to the socket, and the line back. */
function exchange(path: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path, () => socket.write(line));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('the admin control socket of a SQLite server', () => {
  let dir: string;
  let path: string;
  let socket: ControlSocket;
  const erased: string[] = [];
  const visitor = { id: randomUUID(), agentId: randomUUID(), threadIds: [randomUUID()] } as VisitorSummary;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-control-'));
    path = controlSocketPath({ databasePath: join(dir, 'db.sqlite') })!;
    const storage = {
      privacy: { visitor: async (agentId: string, id: string) => (agentId === visitor.agentId && id === visitor.id ? visitor : undefined) },
    } as unknown as Storage;
    const privacy = {
      eraseVisitor: async (found: VisitorSummary, reason: string, by: string, origin: { actor?: string }) => {
        erased.push(`${found.id} ${reason} ${by} ${origin.actor}`);
        return found.threadIds.length;
      },
    } as unknown as PrivacyService;
    socket = new ControlSocket(path, storage, privacy, quiet);
  });
  afterEach(async () => {
    await socket.stop();
    rmSync(dir, { recursive: true, force: true });
    erased.length = 0;
  });

  it('lies beside the database file, or under a hash in the temporary folder when that path is too long; none for :memory:', () => {
    expect(path).toBe(join(dir, 'db.sqlite.admin.sock'));
    const long = controlSocketPath({ databasePath: `/srv/${'deep/'.repeat(30)}ama2.sqlite` })!;
    expect(long).toMatch(new RegExp(`^${tmpdir()}/ama2-admin-[0-9a-f]{24}\\.sock$`));
    expect(controlSocketPath({ databasePath: ':memory:' })).toBeNull();
  });

  it('erases for the admin (reason erased_by_owner, by system, actor admin) and answers with the count', async () => {
    await socket.start();
    // Only the server's user may connect.
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await askRunningServer(path, { op: 'erase-visitor', agent_id: visitor.agentId, visitor_id: visitor.id })).toEqual({
      ok: true,
      threads: 1,
    });
    expect(erased).toEqual([`${visitor.id} erased_by_owner system admin`]);
    expect(await askRunningServer(path, { op: 'erase-visitor', agent_id: visitor.agentId, visitor_id: randomUUID() })).toEqual({
      ok: false,
      error: 'not_found',
      message: 'No such visitor of that agent.',
    });
  });

  it('refuses what is not a request, erasing nothing', async () => {
    await socket.start();
    for (const line of ['hello\n', '{"op":"drop-tables"}\n', `{"op":"erase-visitor","agent_id":"x","visitor_id":"${visitor.id}"}\n`]) {
      expect(JSON.parse(await exchange(path, line))).toEqual({ ok: false, error: 'bad_request', message: 'Not a control request.' });
    }
    expect(erased).toEqual([]);
  });

  it('replaces a socket file that a dead process left, and the client finds nobody at a missing one', async () => {
    expect(await askRunningServer(path, { op: 'erase-visitor', agent_id: visitor.agentId, visitor_id: visitor.id })).toBeNull();
    writeFileSync(path, '');
    await socket.start();
    expect(await askRunningServer(path, { op: 'erase-visitor', agent_id: visitor.agentId, visitor_id: visitor.id })).toMatchObject({
      ok: true,
    });
  });

  it('stays up when a client goes before asking (a second server probing whether this one lives, a cut connection)', async () => {
    await socket.start();
    const second = new ControlSocket(path, {} as Storage, {} as PrivacyService, quiet);
    // The second server finds this one alive and opens none: its probe connects and leaves at once.
    await second.start();
    await second.stop();
    await new Promise<void>((resolve) =>
      createConnection(path, function (this: ReturnType<typeof createConnection>) {
        this.end();
        resolve();
      }),
    );
    await new Promise<void>((resolve) =>
      createConnection(path, function (this: ReturnType<typeof createConnection>) {
        this.destroy();
        resolve();
      }),
    );
    // Before: answering the gone client threw "write after end" out of the server (an uncaught exception).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await askRunningServer(path, { op: 'erase-visitor', agent_id: visitor.agentId, visitor_id: visitor.id })).toEqual({
      ok: true,
      threads: 1,
    });
  });
});
