import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderInInbox } from '../ownership/render-in-inbox.tsx';
import { json } from '../core/api/fake-fetch.ts';
import { activateLanguage } from '../i18n/locale-store.ts';
import { useSession } from '../sign-in/session-store.ts';
import { installModalDialogs } from '../ui/testing/modal-dialogs.ts';
import MessageAttachments from './message-attachments.tsx';

const PNG = { id: 'att_png', name: 'screen.png', content_type: 'image/png', size: 9000, width: 1000, height: 500 };
const PDF = { id: 'att_pdf', name: 'report.pdf', content_type: 'application/pdf', size: 1_468_006 };

let status: Map<string, number>;
let requests: { url: string; authorization: string | undefined }[];

beforeAll(() => installModalDialogs());
beforeEach(() => {
  status = new Map();
  requests = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    requests.push({ url, authorization: (init.headers as Record<string, string>).authorization });
    return Promise.resolve(new Response('bytes', { status: status.get(url) ?? 200 }));
  });
  let made = 0;
  URL.createObjectURL = () => `blob:test/${++made}`;
  URL.revokeObjectURL = () => undefined;
  useSession.setState({ token: 'user-jwt' });
});
afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  await activateLanguage('en');
});

let thread = 0;
const nextThread = () => `t${++thread}`;
const show = (threadId: string, attachments = [PNG, PDF]) =>
  renderInInbox(<MessageAttachments threadId={threadId} attachments={attachments} />, () => json({}));

describe('MessageAttachments (inbox)', () => {
  it('reserves the thumbnail’s final box, fetches it with the token in a header, and opens the viewer titled by the file name', async () => {
    const threadId = nextThread();
    const { container } = show(threadId, [{ ...PNG, id: `${threadId}-png` }]);
    const box = container.querySelector<HTMLElement>('[data-thumbnail-state="loading"]')!;
    expect(box.style.width).toBe('320px');
    expect(box.style.aspectRatio).toBe('320 / 160');
    const thumbnail = await screen.findByRole('button', { name: 'Open image screen.png' });
    expect(requests).toEqual([
      { url: `/api/v1/chat/threads/${threadId}/attachments/${threadId}-png?variant=thumbnail`, authorization: 'Bearer user-jwt' },
    ]);
    fireEvent.click(thumbnail);
    const viewer = screen.getByRole('dialog', { name: 'screen.png' });
    expect(viewer.querySelector('h2')!.textContent).toBe('screen.png');
    expect(await screen.findByRole('img', { name: 'screen.png', hidden: false })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Download' })).toBeTruthy();
  });

  it('shows another file as a card with its kind and size', () => {
    show(nextThread(), [PDF]);
    const card = screen.getByRole('button', { name: 'Download report.pdf (PDF document, 1.4 MB)' });
    expect(card.textContent).toBe('report.pdfPDF document · 1.4 MB');
    expect(screen.getByRole('list', { name: 'Attached file' })).toBeTruthy();
  });

  it('says a thumbnail failed and fetches again on "Try again"; a file gone has no retry', async () => {
    const threadId = nextThread();
    const url = `/api/v1/chat/threads/${threadId}/attachments/${threadId}-png?variant=thumbnail`;
    status.set(url, 503);
    status.set(`/api/v1/chat/threads/${threadId}/attachments/${threadId}-gone?variant=thumbnail`, 404);
    show(threadId, [
      { ...PNG, id: `${threadId}-png` },
      { ...PNG, id: `${threadId}-gone`, name: 'gone.png' },
    ]);
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(2));
    const alerts = screen.getAllByRole('alert');
    expect(alerts.map((alert) => alert.textContent)).toEqual([
      'The file could not be loaded.Try again',
      'This file is no longer available.',
    ]);
    status.set(url, 200);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(await screen.findByRole('button', { name: 'Open image screen.png' })).toBeTruthy();
  });

  it('speaks German', async () => {
    await activateLanguage('de');
    show(nextThread(), [PDF]);
    expect(screen.getByRole('button', { name: 'report.pdf herunterladen (PDF-Dokument, 1,4 MB)' })).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Angehängte Datei' })).toBeTruthy();
  });
});
