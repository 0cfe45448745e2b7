import { describe } from 'vitest';
import { agentRules } from './contract/agent-rules.ts';
import { approvalRules } from './contract/approval-rules.ts';
import { attachmentBytesRules } from './contract/attachment-bytes-rules.ts';
import { counterRules } from './contract/counter-rules.ts';
import { durabilityRules } from './contract/durability-rules.ts';
import type { ContractOpen } from './contract/fixtures.ts';
import { logRules } from './contract/log-rules.ts';
import { pushRules } from './contract/push-rules.ts';
import { ownershipRules } from './contract/ownership-rules.ts';
import { noteRules } from './contract/note-rules.ts';
import { runRules } from './contract/run-rules.ts';
import { userRules } from './contract/user-rules.ts';
import { visitorRules } from './contract/visitor-rules.ts';
import { webhookRules } from './contract/webhook-rules.ts';
import { notificationStoreRules } from './contract/notification-store-rules.ts';
import { followUpRules } from './contract/follow-up-rules.ts';
import { privacyRules } from './contract/privacy-rules.ts';

/**
 * The rules every `Storage` implementation must keep, numbered so that a failure
 * names the rule (one file of rules per aggregate in `contract/`). Run it against each
 * implementation with a factory of empty stores.
 */
export function storageContract(name: string, open: ContractOpen) {
  describe(`storage contract: ${name}`, () => {
    logRules(open);
    noteRules(open);
    visitorRules(open);
    agentRules(open);
    userRules(open);
    webhookRules(open);
    counterRules(open);
    runRules(open);
    approvalRules(open);
    durabilityRules(open);
    ownershipRules(open);
    pushRules(open);
    notificationStoreRules(open);
    followUpRules(open);
    attachmentBytesRules(open);
    privacyRules(open);
  });
}
