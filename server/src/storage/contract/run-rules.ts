import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { thread, users, type ContractOpen } from './fixtures.ts';

/** Storage contract rules of agent runs and process leases. */
export function runRules(open: ContractOpen): void {
  it('rule 21: a run id is claimed once; a run ends once; only runs of processes without a live lease are orphans', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    const run = (id: string, processId: string) => ({ id, threadId: t.id, agentId: 'ag', messageId: 'm', processId });
    const failure = (runId: string) => ({
      eventType: 'run_failed' as const,
      senderId: 'agent:ag',
      content: null,
      data: { run_id: runId, message_id: 'm', error: { code: 'stream_interrupted', message: 'x', retryable: true } },
    });
    await storage.runs.renewLease('alive', 60_000);
    // Two claims of one id at once: one wins.
    const [r1, r2] = [randomUUID(), randomUUID()];
    expect((await Promise.all([storage.runs.start(run(r1, 'alive')), storage.runs.start(run(r1, 'other'))])).sort()).toEqual([false, true]);
    expect(await storage.runs.start(run(r2, 'dead'))).toBe(true);
    // 'dead' never had a lease; 'alive' has one.
    expect((await storage.runs.orphans(10)).map((r) => r.id)).toEqual([r2]);
    expect(await storage.runs.end(r1, { status: 'failed', orphanedOnly: true, event: failure(r1) })).toBeNull();
    const lastSeq = (await storage.threads.get(t.id))!.lastSeq;
    const ends = await Promise.all([
      storage.runs.end(r2, { status: 'failed', orphanedOnly: true, event: failure(r2) }),
      storage.runs.end(r2, { status: 'failed', orphanedOnly: true, event: failure(r2) }),
    ]);
    const won = ends.filter((end) => end !== null);
    expect(won).toHaveLength(1);
    expect(won[0]!.run).toMatchObject({ id: r2, status: 'failed', processId: 'dead' });
    expect(won[0]!.event).toMatchObject({ event_type: 'run_failed', thread_seq: lastSeq + 1, data: { run_id: r2 } });
    expect(await storage.runs.orphans(10)).toEqual([]);
    // A released lease makes the process's runs orphans; its own end still works once.
    await storage.runs.releaseLease('alive');
    expect((await storage.runs.orphans(10)).map((r) => r.id)).toEqual([r1]);
    expect(await storage.runs.end(r1, { status: 'finished', event: null })).toMatchObject({ run: { status: 'finished' }, event: null });
    expect(await storage.runs.end(r1, { status: 'failed', event: failure(r1) })).toBeNull();
    expect((await storage.threads.get(t.id))!.lastSeq).toBe(lastSeq + 1);
    // A lease that ran out is no lease.
    const r3 = randomUUID();
    await storage.runs.renewLease('brief', 1);
    expect(await storage.runs.start(run(r3, 'brief'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await storage.runs.orphans(10)).map((r) => r.id)).toEqual([r3]);
    await storage.close();
  });
}
