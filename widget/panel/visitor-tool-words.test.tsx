import { afterEach, describe, expect, it } from 'vitest';
import { applyRuntime, logEntry, messageEntry } from '../../src/core/testing/timeline-builders.ts';
import { buildTimeline } from '../../src/core/timeline/build-timeline.ts';
import type { RunView } from '../../src/core/sync/run-state.ts';
import type { AgentStep, AgentTurn, ApprovalOutcome } from '../../server/src/agents/agent.ts';
import { DemoAgent } from '../../server/src/agents/demo-agent.ts';
import { stringsFor } from './testing/strings.ts';
import { MessageRow, type RowContext } from './message-row.tsx';
import { cleanup, render } from './testing/render.ts';
import { buildVisitorRows } from './visitor-rows.ts';

afterEach(() => cleanup());

const SELF = 'visitor:me';
const AGENT = 'agent:demo';
/** A tool no catalog knows, with arguments a visitor must not read either. */
const UNKNOWN = { name: 'delete_customer_account', preview: { customer_id: 'cus_81234', reason: 'gdpr_request' } };

/** Every command the demo agent understands (CONTRACT §9). */
const COMMANDS = ['/tool invoices', '/approve Quarterly report', '/fail', '/escalate help', '/long', '/stream 10', 'hello'];

interface ToolUse {
  name: string;
  preview: unknown;
  /** Used behind an approval (`approval` step) or run directly (`tool` step). */
  approval: boolean;
}

/** The tools the demo agent uses, read off its own runs (approvals approved, so what follows them runs too). */
async function demoTools(): Promise<ToolUse[]> {
  const agent = new DemoAgent();
  const uses: ToolUse[] = [];
  for (const content of COMMANDS) {
    const turn = { message: { content }, senderName: 'Vera' } as unknown as AgentTurn;
    const run = agent.run(turn);
    let answer: ApprovalOutcome | undefined;
    for (let next = await run.next(); !next.done; next = await run.next(answer)) {
      const step: AgentStep = next.value;
      answer = undefined;
      if (step.type === 'tool') uses.push({ name: step.name, preview: step.preview, approval: false });
      if (step.type === 'approval') {
        uses.push({ name: step.toolName, preview: step.preview, approval: true });
        answer = 'approved';
      }
    }
  }
  return uses;
}

const step = (current: RunView | undefined, type: string, data: Record<string, unknown> = {}) =>
  applyRuntime(current, { event_type: type, run_id: 'run-7f3a', agent_id: AGENT, in_reply_to: 'm1', ...data });

/**
 * What a visitor reads, row by row, while a run uses `tool`: the live line (the tool running,
 * or an approval pending before the log has it), then the approval's line once logged.
 */
function visitorSees(tool: ToolUse, locale: string): string[] {
  const started = step(undefined, 'run_started');
  const ids = { approval_id: 'apr-9c2e', tool_call_id: 'call-51d0', tool_name: tool.name, preview: tool.preview, input: tool.preview };
  const run = step(started, tool.approval ? 'approval_pending' : 'tool_call_started', ids);
  const asked = messageEntry(1, SELF, 'hi');
  const logged = tool.approval ? [asked, logEntry(2, 'approval_pending', { ...ids, run_id: 'run-7f3a' }, { senderId: AGENT })] : [asked];
  const strings = stringsFor(locale);
  const context: RowContext = {
    strings,
    nameOf: () => 'Demo Agent',
    retry: () => undefined,
    discard: () => undefined,
    startNew: () => undefined,
    requestPerson: () => undefined,
    files: { serverUrl: 'http://server', slug: 'demo', threadId: 't1', token: () => null, lang: 'en' },
  };
  return [[asked], logged].flatMap((entries) => {
    const timeline = buildTimeline({ entries, outbox: [], runs: [run], selfSenderId: SELF });
    const rows = buildVisitorRows({ items: timeline.items, runs: timeline.runs, typing: [], selfSenderId: SELF, hiddenThroughSeq: 0 });
    const last = rows.at(-1)!;
    return [render(<MessageRow row={last} context={context} />).container.textContent ?? ''];
  });
}

/** Every identifier and argument of a tool use: none may be in what the visitor reads. */
function internals(tool: ToolUse): string[] {
  const values = JSON.stringify(tool.preview).match(/[\w@.-]{3,}/g) ?? [];
  return [tool.name, tool.name.replace(/_/g, ' '), ...values, 'apr-9c2e', 'call-51d0', 'run-7f3a'];
}

describe('the words a visitor reads for a tool step (issue 23 item 10)', () => {
  it('every tool the demo agent uses, and one no catalog knows, reads in plain words in English and German, naming no identifier or argument', async () => {
    const tools = await demoTools();
    expect(tools.map((tool) => `${tool.name}${tool.approval ? ' (approval)' : ''}`)).toEqual([
      'lookup',
      'send_email (approval)',
      'send_email',
    ]);
    const seen = Object.fromEntries(
      ['en', 'de'].map((locale) => [
        locale,
        [...tools, { ...UNKNOWN, approval: true }, { ...UNKNOWN, approval: false }].map((tool) => visitorSees(tool, locale)),
      ]),
    );
    expect(seen).toEqual({
      en: [
        ['Looking that up for you…', 'Looking that up for you…'],
        ['A team member is checking the email before I send it…', 'A team member is checking the email before I send it…'],
        ['Sending the email…', 'Sending the email…'],
        ['The team is checking a step before I continue…', 'The team is checking a step before I continue…'],
        ['Working on your request…', 'Working on your request…'],
      ],
      de: [
        ['Ich sehe das für Sie nach…', 'Ich sehe das für Sie nach…'],
        ['Ein Teammitglied prüft die E-Mail, bevor ich sie sende…', 'Ein Teammitglied prüft die E-Mail, bevor ich sie sende…'],
        ['Die E-Mail wird gesendet…', 'Die E-Mail wird gesendet…'],
        ['Das Team prüft einen Schritt, bevor ich weitermache…', 'Das Team prüft einen Schritt, bevor ich weitermache…'],
        ['Ich arbeite an Ihrer Anfrage…', 'Ich arbeite an Ihrer Anfrage…'],
      ],
    });
    for (const tool of [...tools, { ...UNKNOWN, approval: true }]) {
      for (const text of [...visitorSees(tool, 'en'), ...visitorSees(tool, 'de')]) {
        for (const internal of internals(tool)) expect(text.toLowerCase()).not.toContain(internal.toLowerCase());
      }
    }
  });

  it('has words for the approval in every tool the English catalog knows, in German too', () => {
    expect(Object.keys(stringsFor('de').tools)).toEqual(Object.keys(stringsFor('en').tools));
  });
});
