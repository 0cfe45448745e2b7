import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageFiles, type FileContext } from './files-ui.tsx';
import { cleanup, render } from './testing/render.ts';

const PNG = { id: 'att_png', name: 'screen.png', content_type: 'image/png', size: 9000, width: 1100, height: 900 };
const PDF = { id: 'att_pdf', name: 'invoice.pdf', content_type: 'application/pdf', size: 1_468_006 };

let answers: Map<string, number>;
let requests: { url: string; authorization: string | undefined }[];

beforeEach(() => {
  answers = new Map();
  requests = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    requests.push({ url, authorization: (init.headers as Record<string, string>).authorization });
    return Promise.resolve(new Response('bytes', { status: answers.get(url) ?? 200 }));
  });
  let made = 0;
  URL.createObjectURL = () => `blob:test/${++made}`;
  URL.revokeObjectURL = () => undefined;
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

let thread = 0;
const context = (lang = 'en'): FileContext => ({
  serverUrl: 'http://chat.test',
  slug: 'demo',
  // A thread per test: the widget keeps one cache per thread.
  threadId: `t${++thread}`,
  token: () => 'visitor-token',
  lang,
});

const settle = () => act(async () => void (await new Promise((resolve) => setTimeout(resolve, 0))));

describe('MessageFiles (widget)', () => {
  it('reserves an image’s final box before its bytes arrive, then shows it as a button that names it', async () => {
    const files = context();
    const { container } = render(<MessageFiles files={files} attachments={[PNG]} own={false} />);
    const box = container.querySelector<HTMLElement>('[aria-busy="true"]')!;
    expect(box.style.width).toBe('220px');
    expect(box.style.aspectRatio).toBe('220 / 180');
    await settle();
    const button = container.querySelector('button')!;
    expect(button.getAttribute('aria-label')).toBe('Open image screen.png');
    expect(button.querySelector('img')!.getAttribute('alt')).toBe('screen.png');
    expect(requests).toEqual([
      {
        url: `http://chat.test/api/v1/chat/public/demo/threads/${files.threadId}/attachments/att_png?variant=thumbnail`,
        authorization: 'Bearer visitor-token',
      },
    ]);
  });

  it('says when a thumbnail failed and fetches again on "Try again"', async () => {
    const files = context();
    const url = `http://chat.test/api/v1/chat/public/demo/threads/${files.threadId}/attachments/att_png?variant=thumbnail`;
    answers.set(url, 500);
    const { container } = render(<MessageFiles files={files} attachments={[PNG]} own={false} />);
    await settle();
    const alert = container.querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain('The file could not be loaded.');
    answers.set(url, 200);
    act(() => alert.querySelector('button')!.click());
    await settle();
    expect(container.querySelector('img')!.getAttribute('alt')).toBe('screen.png');
    expect(requests).toHaveLength(2);
  });

  it('shows another file as a card with its type and size in the visitor’s language', async () => {
    const { container } = render(<MessageFiles files={context('de')} attachments={[PDF]} own={false} />);
    const card = container.querySelector('button')!;
    expect(card.getAttribute('aria-label')).toBe('invoice.pdf herunterladen (PDF-Dokument, 1,4 MB)');
    expect(card.textContent).toBe('invoice.pdfPDF-Dokument · 1,4 MB');
    expect(container.querySelector('ul')!.getAttribute('aria-label')).toBe('Angehängte Dateien');
    // Nothing is fetched until the visitor asks for the file.
    await settle();
    expect(requests).toEqual([]);
  });
});
