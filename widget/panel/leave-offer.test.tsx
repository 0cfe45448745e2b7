import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AGENT,
  FakeServer,
  mountTestPanel,
  press,
  THREAD,
  TOKEN,
  typeInto,
  unmountAll,
  VISITOR,
  type Harness,
} from './testing/panel-harness.ts';

afterEach(() => unmountAll());

/** A visitor who wrote without an email (issue 23: the email is optional). */
const ANONYMOUS = { threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN };
/** How long a test waits for the closing chunk's first load (a cold module transform on a busy machine). */
const CHUNK_WAIT = { timeout: 10_000 };
/** A test's whole time, with room for that wait. */
const TEST_TIMEOUT_MS = 20_000;

const LINE = 'Before you go: leave your email and we’ll send the answer there.';

const button = (harness: Harness, name: string) =>
  [...harness.dialog().querySelectorAll('button')].find(
    (candidate) => (candidate.getAttribute('aria-label') ?? candidate.textContent) === name,
  );
const offer = (harness: Harness) => harness.dialog().querySelector<HTMLElement>('[role="alertdialog"]');
const emailField = (harness: Harness) => harness.dialog().querySelector<HTMLInputElement>('input[type="email"]');

/** A panel open on the visitor's conversation; the loader's part of closing (hide, then `closed()`) is played by the host. */
async function openConversation(server: FakeServer, record: object = ANONYMOUS, locale?: string): Promise<Harness> {
  const harness = await mountTestPanel({ record, server, ...(locale ? { locale } : {}) });
  harness.host.requestClose.mockImplementation(() => harness.controller.closed());
  await act(() => harness.connection.open());
  await harness.settle();
  act(() => harness.controller.opened());
  await harness.settle();
  return harness;
}

/** Closes by `how` and waits until the panel either closed or shows the offer (the chunk loads on the first close that may need it). */
async function closeBy(harness: Harness, how: () => void): Promise<'closed' | 'offered'> {
  const closes = harness.host.requestClose.mock.calls.length;
  act(how);
  return vi.waitFor(async () => {
    await harness.settle();
    if (harness.host.requestClose.mock.calls.length > closes) return 'closed';
    if (offer(harness)) return 'offered';
    throw new Error('neither closed nor offered yet');
  }, CHUNK_WAIT);
}
const closeButton = (harness: Harness) => () => button(harness, 'Close chat')!.click();

describe('closing the panel while waiting for an answer offers to leave an email (issue 23)', () => {
  it(
    'offers once: a labelled alert dialog with the focus in the field; closing again closes, and it is not offered again in this conversation',
    async () => {
      const server = new FakeServer();
      server.message(VISITOR, 'Is my order on its way?');
      const harness = await openConversation(server);

      expect(await closeBy(harness, closeButton(harness))).toBe('offered');
      expect(harness.host.requestClose).not.toHaveBeenCalled();
      const dialog = offer(harness)!;
      expect(harness.shadowRoot.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe(LINE);
      expect(dialog.textContent).toBe(`${LINE}SaveNo thanks`);
      // (After the offer has painted: preact runs effects then.)
      await vi.waitFor(() => expect(harness.shadowRoot.activeElement).toBe(emailField(harness)));
      // Kept with the conversation in the record (localStorage), for the next page load and the other tabs.
      expect(harness.record().leaveAsked).toBe(THREAD);

      expect(await closeBy(harness, closeButton(harness))).toBe('closed');
      expect(offer(harness)).toBeNull();

      act(() => harness.controller.opened());
      expect(await closeBy(harness, closeButton(harness))).toBe('closed');
      expect(offer(harness)).toBeNull();
      expect(harness.host.requestClose).toHaveBeenCalledTimes(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is not offered again after a page load, nor when an email is known, nor when the last message was answered',
    async () => {
      const server = new FakeServer();
      server.message(VISITOR, 'Hello?');
      const asked = await openConversation(server, { ...ANONYMOUS, leaveAsked: THREAD });
      expect(await closeBy(asked, closeButton(asked))).toBe('closed');
      unmountAll();

      const known = await openConversation(server, { ...ANONYMOUS, email: 'ada@example.com' });
      expect(await closeBy(known, closeButton(known))).toBe('closed');
      unmountAll();

      server.message(AGENT, 'Yes, it left today.');
      const answered = await openConversation(server);
      expect(await closeBy(answered, closeButton(answered))).toBe('closed');
      expect(answered.record().leaveAsked).toBeNull();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is offered while the conversation waits for a person, even after the agent’s words',
    async () => {
      const server = new FakeServer();
      server.message(VISITOR, 'Can a person help?');
      server.message(AGENT, 'Let me find someone.');
      server.commit({ event_type: 'status_changed', sender_id: 'system', data: { status: 'waiting', previous: 'open', by: 'system' } });
      server.message(AGENT, 'Someone will be with you shortly.');
      const harness = await openConversation(server);
      expect(await closeBy(harness, closeButton(harness))).toBe('offered');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'checks the email in words, saves a good one as the visitor’s (the resolve call), and closes',
    async () => {
      const server = new FakeServer();
      server.message(VISITOR, 'Where is my parcel?');
      const harness = await openConversation(server);
      expect(await closeBy(harness, closeButton(harness))).toBe('offered');

      typeInto(emailField(harness)!, 'not an email');
      act(() => button(harness, 'Save')!.click());
      await harness.settle();
      const problem = harness.dialog().querySelector('[role="alert"]');
      expect(problem?.textContent).toBe('That does not look like an email address (like name@example.com).');
      expect(emailField(harness)!.getAttribute('aria-describedby')).toBe(problem!.id);
      expect(harness.host.requestClose).not.toHaveBeenCalled();

      typeInto(emailField(harness)!, ' Ada@Example.com ');
      act(() => button(harness, 'Save')!.click());
      await vi.waitFor(() => expect(harness.host.requestClose).toHaveBeenCalledTimes(1));
      expect(harness.server.api.resolveThread).toHaveBeenLastCalledWith('demo', { email: 'ada@example.com' }, TOKEN);
      expect(harness.record().email).toBe('ada@example.com');
      // Opened again: the email is on record, and said so.
      act(() => harness.controller.opened());
      await harness.settle();
      expect(harness.dialog().textContent).toContain('Thanks! We’ll reply to ada@example.com.');
      expect(offer(harness)).toBeNull();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '"No thanks" and Escape on the offer close the panel; the launcher offers it like the close button (German words)',
    async () => {
      const server = new FakeServer();
      server.message(VISITOR, 'Hallo?');
      const harness = await openConversation(server, ANONYMOUS, 'de');
      expect(await closeBy(harness, () => void press(harness.dialog(), 'Escape'))).toBe('offered');
      expect(offer(harness)!.textContent).toBe(
        'Bevor Sie gehen: Hinterlassen Sie Ihre E-Mail-Adresse, dann schicken wir Ihnen die Antwort dorthin.SpeichernNein danke',
      );
      expect(await closeBy(harness, () => void press(emailField(harness)!, 'Escape'))).toBe('closed');

      // The loader's launcher toggles the panel itself; an open panel's offer comes first. (A
      // new page in another browser: a record of its own, not offered yet.)
      unmountAll();
      const again = await openConversation(server, ANONYMOUS, 'de');
      const launcher = document.createElement('button');
      launcher.className = 'launcher';
      const toggled = vi.fn();
      launcher.onclick = toggled;
      again.shadowRoot.append(launcher);
      expect(await closeBy(again, () => launcher.click())).toBe('offered');
      expect(toggled).not.toHaveBeenCalled();
      expect(await closeBy(again, () => button(again, 'Nein danke')!.click())).toBe('closed');
      expect(toggled).not.toHaveBeenCalled();
    },
    TEST_TIMEOUT_MS,
  );
});
