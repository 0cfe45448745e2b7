import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { json } from '../core/api/fake-fetch.ts';
import type { OutboxItem } from '../core/sync/outbox.ts';
import { renderInInbox } from '../ownership/render-in-inbox.tsx';
import { MessageRow, type RowActions } from './message-row.tsx';

const NO_ACTIONS: RowActions = { retry: () => {}, discard: () => {}, edit: () => {}, decide: () => Promise.resolve() };

function pending(content: string, names: string[]): OutboxItem {
  return {
    clientMessageId: 'c-1',
    threadId: 't-1',
    content,
    mentions: [],
    files: names.map((name, index) => ({
      key: `f${index}`,
      name,
      type: 'application/pdf',
      size: 3,
      blob: new Blob(['pdf']),
      attachmentId: null,
    })),
    baseSeq: null,
    latestSeenSeq: null,
    createdAt: Date.parse('2026-12-06T10:00:00Z'),
    attempts: 0,
    nextAttemptAt: 0,
    status: 'sending',
    committed: null,
    error: null,
  };
}

const show = (item: OutboxItem) =>
  renderInInbox(
    <MessageRow
      row={{ kind: 'pending_message', key: item.clientMessageId, item, grouped: false }}
      thread={undefined}
      selfSenderId="user:me"
      actions={NO_ACTIONS}
      nameOf={() => 'Someone'}
    />,
    () => json({}),
  );

afterEach(cleanup);

describe('a message still being sent with files (inbox)', () => {
  it('names its files, and shows no empty text line for a message of files only', () => {
    const { container } = show(pending('', ['invoice.pdf', 'terms.pdf']));
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['📎 invoice.pdf', '📎 terms.pdf']);
    expect(container.querySelector('p.whitespace-pre-wrap')).toBeNull();
    expect(screen.getByText('Sending…')).toBeTruthy();
  });

  it('shows its text above its files', () => {
    show(pending('Here is the invoice', ['invoice.pdf']));
    expect(screen.getByText('Here is the invoice')).toBeTruthy();
    expect(screen.getByRole('listitem').textContent).toBe('📎 invoice.pdf');
  });
});
