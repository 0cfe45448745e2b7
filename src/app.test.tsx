import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './app.tsx';

describe('App placeholder', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows the API as online when /healthz answers', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"status":"ok"}', { status: 200 })));
    render(<App />);
    expect(await screen.findByText('online')).toBeTruthy();
  });

  it('says the API is unreachable when the request fails', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('network down'))));
    render(<App />);
    expect(await screen.findByText('unreachable')).toBeTruthy();
  });
});
