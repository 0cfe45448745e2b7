import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli, startServerProcess, type ServerProcess } from '../support/admin-cli.ts';
import { api, type TestServer } from '../support/test-server.ts';
import { startVisitor } from '../support/visitors.ts';

const PASSWORD = 'ana-password-1234';

/** CONTRACT §14: `npm run admin -- export-visitor | audit`, against a real server on the same database. */
describe('npm run admin: export a visitor and read the audit log', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ServerProcess;
  let word: string;
  let visitor: { thread_id: string };
  let visitorId: string;
  const admin = (args: string[]) => runAdminCli(args, env);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-admin-privacy-'));
    env = { DATABASE_PATH: join(dir, 'db.sqlite') };
    expect(
      (await runAdminCli(['create-user', '--email', 'ana@example.com', '--name', 'Ana', '--password-stdin'], env, `${PASSWORD}\n`)).code,
    ).toBe(0);
    expect((await admin(['create-agent', '--slug', 'support', '--name', 'Support', '--owner', 'ana@example.com'])).code).toBe(0);
    server = await startServerProcess({ ...env, DEMO_DATA: 'false' });
    word = `zq${randomBytes(8).toString('hex')}`;
    visitor = await startVisitor(server as unknown as TestServer, { email: `${word}@customer.example`, name: `Name ${word}` }, 'support');
    const ana = await api(server, 'POST', '/auth/login', { body: { email: 'ana@example.com', password: PASSWORD } });
    const found = await api(server, 'GET', `/agents/support/visitors?thread_id=${visitor.thread_id}`, { token: ana.body.token });
    visitorId = found.body.visitors[0].id;
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('export-visitor writes the REST export to stdout or a file, and the audit log records it as the admin', async () => {
    const printed = await admin(['export-visitor', '--agent', 'support', '--visitor', visitorId]);
    expect(printed.code).toBe(0);
    const document = JSON.parse(printed.stdout);
    expect(document.visitor).toMatchObject({ id: visitorId, email: `${word}@customer.example`, thread_ids: [visitor.thread_id] });
    expect(document.threads.map((thread: { id: string }) => thread.id)).toEqual([visitor.thread_id]);
    const file = join(dir, 'export.json');
    const written = await admin(['export-visitor', '--agent', 'support', '--visitor', visitorId, '--out', file]);
    expect(written).toMatchObject({ code: 0, stdout: '', stderr: `Wrote the export of visitor ${visitorId} to ${file}.\n` });
    expect(JSON.parse(readFileSync(file, 'utf8')).visitor.id).toBe(visitorId);

    const audit = await admin(['audit', '--agent', 'support']);
    expect(audit.code).toBe(0);
    const entries = audit.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { actor: string; action: string; target: string });
    expect(entries.filter((entry) => entry.action === 'visitor.exported')).toEqual([
      expect.objectContaining({ actor: 'admin', target: `visitor:${visitorId}`, address: null }),
      expect.objectContaining({ actor: 'admin', target: `visitor:${visitorId}`, address: null }),
    ]);
    // Reading the log is recorded too, after what it printed.
    expect(entries.at(-1)).toMatchObject({ actor: 'admin', action: 'audit.read' });
    expect(audit.stdout).not.toContain(word);
  });

  it('audit --since leaves out every entry before that time', async () => {
    const since = new Date(Date.now() + 60_000).toISOString();
    const later = await admin(['audit', '--since', since]);
    expect(later).toMatchObject({ code: 0, stdout: '' });
  });

  it('bad arguments get one line that says what is wrong and a non-zero exit', async () => {
    const cases: [string[], number, string][] = [
      [
        ['export-visitor', '--agent', 'support'],
        2,
        'Missing --visitor. Usage: npm run admin -- export-visitor --agent SLUG --visitor ID [--out FILE]',
      ],
      [
        ['export-visitor', '--agent', 'support', '--visitor', 'nobody'],
        2,
        '--visitor "nobody" is not a visitor id: give the id (a UUID) that the inbox or GET /agents/{slug}/visitors shows.',
      ],
      [['export-visitor', '--agent', 'nope', '--visitor', visitorId], 1, 'No agent has the slug "nope"; see npm run admin -- list-agents.'],
      [
        ['export-visitor', '--agent', 'support', '--visitor', '00000000-0000-4000-8000-000000000000'],
        1,
        'The agent "support" has no visitor 00000000-0000-4000-8000-000000000000 (erased already, or another agent\'s).',
      ],
      [['audit', '--since', 'yesterday'], 2, '--since "yesterday" is not a time: give an ISO-8601 time such as 2026-01-31T00:00:00Z.'],
      [['audit', '--agent', 'nope'], 1, 'No agent has the slug "nope"; see npm run admin -- list-agents.'],
    ];
    for (const [args, code, message] of cases) {
      expect({ args, ...(await admin(args)) }).toEqual({ args, code, stdout: '', stderr: `admin: ${message}\n` });
    }
  });
});
