import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OUTDATED_CLIENT_REASON } from '../core/protocol/protocol-version.ts';
import type { FakeConnection } from '../core/testing/fake-connection.ts';
import { de } from '../i18n/catalog-de.ts';
import { en } from '../i18n/catalog-en.ts';
import { useActiveLanguage } from '../i18n/locale-store.ts';
import { ConnectionBanner } from './connection-banner.tsx';
import { fakeEngine } from '../core/testing/fake-engine.ts';

afterEach(() => {
  cleanup();
  useActiveLanguage.setState({ language: 'en', strings: en });
});

async function setup() {
  const { engine, connection } = fakeEngine();
  await engine.start();
  const calls: string[] = [];
  render(<ConnectionBanner engine={engine} onRetry={() => calls.push('retry')} onReload={() => calls.push('reload')} />);
  /** Sets the connection's state and lets the engine tell its listeners (the scheduler waits for a frame). */
  const setState = (state: Parameters<FakeConnection['setState']>[0]) =>
    act(() => {
      connection.setState(state);
      engine.flush();
    });
  return { setState, calls };
}

describe('ConnectionBanner', () => {
  it('asks for a reload, as an alert, when the server speaks a newer protocol', async () => {
    const { setState, calls } = await setup();
    setState({ status: 'failed', reason: OUTDATED_CLIENT_REASON, code: null });
    const banner = screen.getByRole('alert');
    expect(banner.textContent).toBe('A new version of the app is available —Reload');
    expect(screen.queryByRole('button', { name: 'Retry now' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(calls).toEqual(['reload']);
  });

  it('says the same in German', async () => {
    useActiveLanguage.setState({ language: 'de', strings: de });
    const { setState } = await setup();
    setState({ status: 'failed', reason: OUTDATED_CLIENT_REASON, code: null });
    expect(screen.getByRole('alert').textContent).toBe('Eine neue Version der App ist verfügbar —Neu laden');
    expect(screen.getByRole('button', { name: 'Neu laden' })).toBeTruthy();
  });

  it('keeps the retry banner for any other failure', async () => {
    const { setState, calls } = await setup();
    setState({ status: 'failed', reason: 'Invalid thread id.', code: 4000 });
    expect(screen.getByRole('status').textContent).toBe('Cannot connect: Invalid thread id.Retry now');
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(calls).toEqual(['retry']);
  });
});
