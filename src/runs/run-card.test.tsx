import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyRuntime } from '../core/testing/timeline-builders.ts';
import { activateLanguage } from '../i18n/locale-store.ts';
import type { RunView } from '../core/sync/run-state.ts';
import { RunCard } from './run-card.tsx';
import type { RunCardProps } from './run-card.tsx';
import { useRunExpansion } from './run-card-expansion.ts';
import { PREVIEW_MAX_CHARS } from './run-format.ts';

afterEach(() => {
  cleanup();
  useRunExpansion.setState({ choices: new Map() });
});

const T0 = Date.parse('2026-04-09T10:00:00.000Z');
const at = (seconds: number) => T0 + seconds * 1000;
const THREAD = 'thread-1';
const RUN = 'run-1';
const AGENT = 'agent:demo';
const ALICE = 'user:alice';

type Step = [eventType: string, data: Record<string, unknown>, atSeconds: number];

/** A run as the engine would hold it after these steps. */
function buildRun(steps: Step[]): RunView {
  let run: RunView | undefined;
  for (const [eventType, data, seconds] of steps) {
    run = applyRuntime(run, { event_type: eventType, run_id: RUN, agent_id: AGENT, ...data }, at(seconds), THREAD);
  }
  if (!run) throw new Error('a run needs at least one step');
  return run;
}

const QUEUED: Step[] = [['queued', {}, 0]];
const DECIDING: Step[] = [...QUEUED, ['agent_decisions', { decisions: ['reply', 'tool:lookup'] }, 0.4]];
const RUNNING: Step[] = [...DECIDING, ['run_started', {}, 0.5]];
const TOOL_STARTED: Step = ['tool_call_started', { tool_call_id: 'call-1', tool_name: 'lookup', preview: { query: 'order 42' } }, 0.8];
const TOOL_DONE: Step = ['tool_call_completed', { tool_call_id: 'call-1', tool_name: 'lookup', ok: true, result_preview: 'Shipped.' }, 1];
const STREAMING: Step[] = [...RUNNING, TOOL_STARTED, TOOL_DONE, ['text_delta', { content: 'Your order ' }, 1.2]];
const COMMITTED: Step[] = [...STREAMING, ['reply_committed', { message_id: 'm-2', thread_seq: 12 }, 3], ['run_finished', {}, 3.4]];
const failedWith = (retryable: boolean): Step[] => [
  ...RUNNING,
  ['run_failed', { error: { code: 'upstream_error', message: 'The agent stopped with an internal error.', retryable } }, 2],
];

const APPROVAL = { approval_id: 'approval-1', tool_name: 'refund', preview: { amount: 10 }, expires_at: new Date(at(66)).toISOString() };
const WAITING: Step[] = [...RUNNING, ['approval_pending', APPROVAL, 1]];

function renderCard(run: RunView, props: Partial<RunCardProps> = {}) {
  const onDecide = props.onDecide ?? vi.fn(async () => {});
  const utils = render(<RunCard run={run} agentName="Demo" now={at(24)} onDecide={onDecide} {...props} />);
  const card = screen.getByRole('region', { name: 'Agent run by Demo' });
  return { ...utils, card, onDecide };
}

const toggle = () => screen.getByRole('button', { name: 'Steps' });
/** The card's closed Details disclosure (timings, the raw plan, tool inputs and results). */
const detailsOf = (card: HTMLElement) => card.querySelector('details');

describe('RunCard status', () => {
  it.each([
    ['queued', QUEUED, 'Queued'],
    ['deciding', DECIDING, 'Deciding…'],
    ['running', RUNNING, 'Working…'],
    ['streaming', STREAMING, 'Writing…'],
    ['committed', COMMITTED, 'Replied'],
    ['failed', failedWith(false), 'Failed'],
  ] as const)('says %s as %j', (status, steps, label) => {
    const run = buildRun(steps);
    expect(run.status).toBe(status);
    const { card } = renderCard(run);
    expect(within(card).getByRole('status').textContent).toBe(label);
  });

  it('says when a run finished without a reply', () => {
    const run = buildRun([...RUNNING, ['escalation_created', { to: 'human', reason: 'Asked for a person.' }, 1], ['run_finished', {}, 2]]);
    const { card } = renderCard(run);
    expect(within(card).getByRole('status').textContent).toBe('Finished without a reply');
  });

  it('says the plan and the escalation in words, and keeps timings and the raw plan in a closed Details', () => {
    const run = buildRun([...STREAMING, ['escalation_created', { to: 'human', reason: 'Asked for a person.' }, 1.5]]);
    const { card } = renderCard(run, { now: at(2.5) });
    expect(screen.getByText('Plan: reply, then look up records')).toBeTruthy();
    expect(screen.getByText('Escalated to a person: Asked for a person.')).toBeTruthy();
    const details = detailsOf(card)!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')?.textContent).toBe('Details');
    expect(within(details).getByText('First words after 1.2 s · Elapsed 2 s')).toBeTruthy();
    expect(within(details).getByText('Decided:').parentElement?.textContent).toBe('Decided: reply, tool:lookup');
    const outside = [...card.querySelectorAll('p')].filter((p) => !details.contains(p)).map((p) => p.textContent ?? '');
    expect(outside.join('\n')).not.toMatch(/First words|Elapsed|tool:lookup|Decided|human/);
  });

  it('keeps time to first words and the total in Details once finished', () => {
    const { card } = renderCard(buildRun(COMMITTED));
    expect(within(detailsOf(card)!).getByText('First words after 1.2 s · Total 3.4 s', { exact: true })).toBeTruthy();
  });

  it('says each known plan step and makes an unknown one readable', () => {
    const run = buildRun([...QUEUED, ['agent_decisions', { decisions: ['request_approval:send_email', 'reply', 'reply:long'] }, 0.4]]);
    renderCard(run);
    expect(screen.getByText('Plan: ask for approval to send an email, then reply')).toBeTruthy();
    cleanup();
    renderCard(
      buildRun([...QUEUED, ['agent_decisions', { decisions: ['escalate:human', 'call_tool:lookup_order', 'summarize_thread'] }, 0.4]]),
    );
    expect(screen.getByText('Plan: hand over to a person, then use the tool “lookup order”, then summarize thread')).toBeTruthy();
  });
});

describe('RunCard tool calls', () => {
  it('says each call in a sentence, with its input and result as text in Details', () => {
    const run = buildRun([
      ...RUNNING,
      TOOL_STARTED,
      TOOL_DONE,
      ['tool_call_started', { tool_call_id: 'call-2', tool_name: 'charge', preview: '<img src=x onerror=alert(1)>' }, 1.1],
      ['tool_call_completed', { tool_call_id: 'call-2', tool_name: 'charge', ok: false, result_preview: 'Card declined.' }, 1.3],
      ['tool_call_started', { tool_call_id: 'call-3', tool_name: 'search', preview: { q: 'x'.repeat(500) } }, 1.4],
    ]);
    const { container, card } = renderCard(run);
    const items = within(screen.getByRole('list', { name: 'Tool calls' })).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual(['Looked up records', 'The tool “charge” failed', 'Using the tool “search”…']);
    const details = detailsOf(card)!;
    expect(details.open).toBe(false);
    const calls = [...details.querySelectorAll('div > div')].map((call) => call.textContent);
    expect(calls).toEqual([
      'Tool: lookupInput {"query":"order 42"}Result Shipped.',
      'Tool: chargeInput <img src=x onerror=alert(1)>Result Card declined.',
      expect.stringMatching(/^Tool: searchInput \{"q":"x+…$/),
    ]);
    expect(container.querySelector('img')).toBeNull();
    const longPreview = details.querySelectorAll('div > div')[2]?.querySelector('code')?.textContent ?? '';
    expect(longPreview).toHaveLength(PREVIEW_MAX_CHARS);
  });
});

describe('RunCard approvals', () => {
  it('says a run blocked on an approval waits for the person, with a still dot, not “Writing…”', () => {
    const run = buildRun([...STREAMING, ['approval_pending', APPROVAL, 1.5]]);
    expect(run.status).toBe('streaming');
    const { card } = renderCard(run);
    expect(within(card).getAllByRole('status')[0]!.textContent).toBe('Waiting for your approval');
    expect(card.querySelector('span[aria-hidden="true"]')?.className).not.toContain('animate-pulse');
  });

  it('makes the countdown prominent near the deadline', () => {
    const { rerender, onDecide } = renderCard(buildRun(WAITING), { now: at(24) });
    expect(screen.getByText('expires in 42 seconds').dataset.urgent).toBeUndefined();
    rerender(<RunCard run={buildRun(WAITING)} agentName="Demo" now={at(56)} onDecide={onDecide} />);
    const urgent = screen.getByText('expires in 10 seconds');
    expect(urgent.dataset.urgent).toBe('true');
    expect(urgent.className).toContain('font-semibold');
  });

  it('offers Approve and Reject with a countdown to the deadline', () => {
    renderCard(buildRun(WAITING), { now: at(24) });
    const approval = within(screen.getByRole('list', { name: 'Approvals' })).getByRole('listitem');
    expect(within(approval).getByText(/Approval needed/).textContent).toBe('Approval needed to use the tool “refund”');
    expect(within(approval).getByText('amount: 10')).toBeTruthy();
    expect(within(approval).getByText('expires in 42 seconds')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Approve' }).disabled).toBe(false);
  });

  it('counts down with `now` and says expired at the deadline, refusing a late decision', () => {
    const run = buildRun(WAITING);
    const { rerender, onDecide } = renderCard(run, { now: at(65.2) });
    expect(screen.getByText('expires in 1 second')).toBeTruthy();
    rerender(<RunCard run={run} agentName="Demo" now={at(66)} onDecide={onDecide} />);
    expect(screen.getByText('expired')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Approve' }).disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Reject' }).disabled).toBe(true);
  });

  it('shows a long deadline in minutes', () => {
    renderCard(buildRun(WAITING), { now: at(-300) });
    expect(screen.getByText('expires in 7 minutes')).toBeTruthy();
  });

  it('sends approve with the approval id and disables both buttons while it runs', async () => {
    let finish: () => void = () => {};
    const onDecide = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    renderCard(buildRun(WAITING), { onDecide });
    const approve = screen.getByRole<HTMLButtonElement>('button', { name: 'Approve' });
    const reject = screen.getByRole<HTMLButtonElement>('button', { name: 'Reject' });
    fireEvent.click(approve);
    fireEvent.click(approve);
    expect(onDecide).toHaveBeenCalledTimes(1);
    expect(onDecide).toHaveBeenCalledWith('approval-1', 'approve');
    expect(approve.disabled).toBe(true);
    expect(reject.disabled).toBe(true);
    expect(screen.getByText('Approving…')).toBeTruthy();
    await act(async () => finish());
    expect(approve.disabled).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says in words why a decision failed, and lets the person try again', async () => {
    const onDecide = vi.fn(async () => {
      throw new Error('The network is down.');
    });
    renderCard(buildRun(WAITING), { onDecide });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Reject' })));
    expect(onDecide).toHaveBeenCalledWith('approval-1', 'reject');
    expect(screen.getByRole('alert').textContent).toBe('Could not reject: The network is down.');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Reject' }).disabled).toBe(false);
  });

  it('shows each outcome once decided', () => {
    const run = buildRun([
      ...RUNNING,
      ['approval_pending', APPROVAL, 1],
      ['approval_resolved', { ...APPROVAL, decision: 'approve', decided_by: ALICE }, 2],
      ['approval_pending', { ...APPROVAL, approval_id: 'approval-2' }, 3],
      ['approval_resolved', { ...APPROVAL, approval_id: 'approval-2', decision: 'reject' }, 4],
      ['approval_pending', { ...APPROVAL, approval_id: 'approval-3' }, 5],
      ['approval_expired', { ...APPROVAL, approval_id: 'approval-3', decision: 'expired' }, 6],
    ]);
    renderCard(run, { nameOf: (id) => (id === ALICE ? 'Alice' : undefined) });
    const items = within(screen.getByRole('list', { name: 'Approvals' })).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('p')?.textContent)).toEqual([
      'Approval to use the tool “refund”: Approved by Alice',
      'Approval to use the tool “refund”: Rejected',
      'Approval to use the tool “refund”: Expired',
    ]);
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('names the decider by id when no name is known', () => {
    renderCard(buildRun([...WAITING, ['approval_resolved', { ...APPROVAL, decision: 'approve', decided_by: ALICE }, 2]]));
    expect(screen.getByText('Approved by user:alice')).toBeTruthy();
  });
});

describe('RunCard failure', () => {
  it('shows the error in words and Retry when the error is retryable', () => {
    const onRetry = vi.fn();
    renderCard(buildRun(failedWith(true)), { onRetry });
    expect(screen.getByText('The agent stopped with an internal error.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('offers no Retry when the error is not retryable', () => {
    renderCard(buildRun(failedWith(false)), { onRetry: vi.fn() });
    expect(screen.getByText('The agent stopped with an internal error.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('offers no Retry without a retry handler', () => {
    renderCard(buildRun(failedWith(true)));
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});

describe('RunCard collapsing', () => {
  it('is expanded while running and collapses to a summary line', () => {
    const { card } = renderCard(buildRun([...RUNNING, TOOL_STARTED]), { now: at(3) });
    const body = document.getElementById(toggle().getAttribute('aria-controls') ?? '');
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    expect(body?.hidden).toBe(false);
    fireEvent.click(toggle());
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(body?.hidden).toBe(true);
    expect(card.querySelector('p')?.textContent).toBe('Demo Working… · 1 tool call');
  });

  it('starts collapsed when this client met the run only at its end, and opens on demand', () => {
    // No `queued` or `run_started`: the page was loaded while the run was already going.
    const metAtTheEnd: Step[] = [
      TOOL_STARTED,
      TOOL_DONE,
      ['reply_committed', { message_id: 'm-2', thread_seq: 12 }, 3],
      ['run_finished', {}, 3.4],
    ];
    const { card } = renderCard(buildRun(metAtTheEnd));
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    expect(card.querySelector('p')?.textContent).toBe('Demo Replied · 1 tool call');
    fireEvent.click(toggle());
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    expect(card.querySelector('p')?.textContent).toBe('Demo Replied');
  });

  it('shows a run this client saw begin open, even when its card first mounts after the run finished', () => {
    // The virtualized list may mount a row late (it scrolled into range after the reply came).
    const { card } = renderCard(buildRun(COMMITTED));
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    expect(within(card).getByRole('list', { name: 'Tool calls' }).textContent).toBe('Looked up records');
  });

  it('comes back as the user left it when its row is unmounted and mounted again', () => {
    const first = renderCard(buildRun(COMMITTED));
    fireEvent.click(toggle());
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    first.unmount();
    renderCard(buildRun(COMMITTED));
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle());
    cleanup();
    renderCard(buildRun(COMMITTED));
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
  });

  it('does not collapse by itself when the run finishes', () => {
    const { rerender, onDecide } = renderCard(buildRun(STREAMING));
    rerender(<RunCard run={buildRun(COMMITTED)} agentName="Demo" now={at(4)} onDecide={onDecide} />);
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
  });

  it('opens again when a new approval waits on someone', () => {
    const { rerender, onDecide, card } = renderCard(buildRun(RUNNING));
    fireEvent.click(toggle());
    expect(toggle().getAttribute('aria-expanded')).toBe('false');
    rerender(<RunCard run={buildRun(WAITING)} agentName="Demo" now={at(24)} onDecide={onDecide} />);
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    expect(within(card).getByRole('button', { name: 'Approve' })).toBeTruthy();
  });
});

describe('RunCard clock', () => {
  it('shows no elapsed time from a clock paused before the run began', () => {
    renderCard(buildRun(RUNNING), { now: at(-10) });
    expect(screen.queryByText(/Elapsed/)).toBeNull();
  });
});

describe('RunCard in German', () => {
  afterEach(async () => {
    await act(() => activateLanguage('en'));
  });

  it('says its status, plan, tool calls, timings, countdown and errors in German, with German numbers', async () => {
    await act(() => activateLanguage('de'));
    const committed = render(<RunCard run={buildRun(COMMITTED)} agentName="Demo" now={at(24)} onDecide={vi.fn(async () => {})} />);
    const card = screen.getByRole('region', { name: 'Agentenlauf von Demo' });
    act(() => useRunExpansion.getState().setExpanded(RUN, true));
    expect(within(card).getByRole('button', { name: 'Schritte' }).getAttribute('aria-expanded')).toBe('true');
    expect(within(card).getByRole('status').textContent).toBe('Hat geantwortet');
    expect(within(card).getByText('Plan: antworten, dann Datensätze nachschlagen')).toBeTruthy();
    expect(within(card).getByRole('list', { name: 'Werkzeugaufrufe' }).textContent).toBe('Hat Datensätze nachgeschlagen');
    expect(within(detailsOf(card)!).getByText('Erste Wörter nach 1,2 s · Gesamt 3,4 s')).toBeTruthy();
    expect(detailsOf(card)!.querySelector('summary')?.textContent).toBe('Details');
    committed.unmount();

    render(<RunCard run={buildRun(WAITING)} agentName="Demo" now={at(24)} onDecide={vi.fn(async () => {})} />);
    expect(screen.getByText('läuft in 42 Sekunden ab')).toBeTruthy();
    expect(screen.getByText('Freigabe nötig: das Werkzeug „refund“ verwenden')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Freigeben' })).toBeTruthy();
    cleanup();

    const escalating = buildRun([...RUNNING, ['escalation_created', { to: 'human', reason: '' }, 1]]);
    render(<RunCard run={escalating} agentName="Demo" now={at(24)} onDecide={vi.fn(async () => {})} />);
    expect(screen.getByText('An einen Menschen übergeben')).toBeTruthy();
    cleanup();

    render(<RunCard run={buildRun(failedWith(false))} agentName="Demo" now={at(24)} onDecide={vi.fn(async () => {})} />);
    expect(screen.getByText('Der Agent konnte nicht zu Ende arbeiten.')).toBeTruthy();
  });

  it('switches language while shown', async () => {
    renderCard(buildRun(COMMITTED));
    expect(screen.getByRole('region', { name: 'Agent run by Demo' })).toBeTruthy();
    await act(() => activateLanguage('de'));
    expect(screen.getByRole('region', { name: 'Agentenlauf von Demo' })).toBeTruthy();
  });
});
