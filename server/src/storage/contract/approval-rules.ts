import { expect, it } from 'vitest';
import { thread, users, type ContractOpen } from './fixtures.ts';

/** Storage contract rules of approvals. */
export function approvalRules(open: ContractOpen): void {
  it('rule 8: an approval settles once, and its event is committed with it', async () => {
    const { storage } = await open();
    const [a] = await users(storage, 1);
    const { thread: t } = await storage.threads.create(thread([a!]));
    const { approval, event } = await storage.approvals.create(
      { threadId: t.id, runId: 'r1', toolName: 'x', preview: { p: 1 }, expiresAt: new Date(Date.now() + 1000).toISOString() },
      { eventType: 'approval_pending', senderId: 'system', content: null, data: {} },
    );
    expect(event.data.approval_id).toBe(approval.id);
    const settle = () =>
      storage.approvals.settle(
        approval.id,
        { status: 'approved', decidedBy: `user:${a}` },
        { eventType: 'approval_resolved', senderId: `user:${a}`, content: null, data: {} },
      );
    const first = await settle();
    expect(first?.approval.status).toBe('approved');
    expect(first?.event.thread_seq).toBe(event.thread_seq + 1);
    expect(await settle()).toBeNull();
    expect((await storage.threads.get(t.id))!.lastSeq).toBe(event.thread_seq + 1);
    await storage.close();
  });
}
