import { afterEach, expect, it } from 'vitest';
import { seedDemoData } from '../../src/storage/seed-demo-data.ts';
import { startCluster, type Cluster } from '../support/cluster.ts';
import { describePostgres } from '../support/postgres.ts';
import { loginFrom } from '../support/from-address.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api } from '../support/test-server.ts';

const login = (server: ChildServer, email: string, password: string) => api(server, 'POST', '/auth/login', { body: { email, password } });

/** The sign-in limits are shared by the processes of one PostgreSQL database (issue 10). */
describePostgres('rate limits across processes (DATABASE_URL)', () => {
  const clusters: Cluster[] = [];
  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
  });

  /** Two server processes on one database (with the demo users), and no NATS: the database alone shares the counts. */
  async function twoProcesses(limits: NodeJS.ProcessEnv): Promise<[ChildServer, ChildServer]> {
    const cluster = await startCluster({ processes: 2, nats: false, env: limits, prepare: seedDemoData });
    clusters.push(cluster);
    return cluster.servers as [ChildServer, ChildServer];
  }

  it('counts sign-in attempts per address over both processes: the 5th of 4 allowed is refused on either', async () => {
    const [one, two] = await twoProcesses({ RATE_LIMIT_LOGINS_PER_MIN: '4' });
    for (const server of [one, two, one, two]) expect((await login(server, 'bob@example.com', 'password123')).status).toBe(200);
    for (const server of [one, two]) {
      const refused = await login(server, 'bob@example.com', 'password123');
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toMatch(/^Too many sign-in attempts from this address; try again in \d+ seconds\.$/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('counts failed sign-ins per account and address over both processes; right passwords give theirs back on either', async () => {
    const [one, two] = await twoProcesses({ RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN: '3' });
    // Successes through both processes do not count against the account.
    for (const server of [one, two, one, two, one]) expect((await login(server, 'alice@example.com', 'password123')).status).toBe(200);
    expect((await login(one, 'alice@example.com', 'guess-1')).status).toBe(401);
    expect((await login(two, 'alice@example.com', 'guess-2')).status).toBe(401);
    expect((await login(one, 'alice@example.com', 'guess-3')).status).toBe(401);
    const refused = await login(two, 'alice@example.com', 'password123');
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toBe('Too many failed sign-ins for this account from this address; try again in 15 minutes.');
    expect((await login(one, 'bob@example.com', 'password123')).status).toBe(200);
    // The owner from another address is not locked out, on either process.
    for (const server of [one, two]) expect((await loginFrom(server, '127.0.0.2', 'alice@example.com', 'password123')).status).toBe(200);
  });

  it('counts failed sign-ins per account from all addresses over both processes', async () => {
    const [one, two] = await twoProcesses({ RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN: '2', RATE_LIMIT_LOGIN_FAILURES_PER_HOUR: '4' });
    expect((await loginFrom(one, '127.0.2.1', 'alice@example.com', 'guess-1')).status).toBe(401);
    expect((await loginFrom(two, '127.0.2.1', 'alice@example.com', 'guess-2')).status).toBe(401);
    expect((await loginFrom(two, '127.0.2.2', 'alice@example.com', 'guess-3')).status).toBe(401);
    expect((await loginFrom(one, '127.0.2.2', 'alice@example.com', 'guess-4')).status).toBe(401);
    for (const server of [one, two]) {
      const refused = await loginFrom(server, '127.0.0.1', 'alice@example.com', 'password123');
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toMatch(/^Too many failed sign-ins for this account; try again in \d+ minutes\.$/);
    }
  });
});
