import { afterEach, describe, expect, it } from 'vitest';
import { contractError, fakeFetch, json, type RecordedRequest } from '../core/api/fake-fetch.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../core/protocol/notifications.ts';
import { syncEmailLanguage } from './sync-email-language.ts';

afterEach(() => localStorage.clear());

function fakeServer(saved: NotificationSettings = { ...DEFAULT_NOTIFICATION_SETTINGS, email_delay_minutes: 25 }) {
  const state = { settings: saved, down: false };
  const fake = fakeFetch((request) => {
    if (state.down) return contractError(503, 'unavailable', 'Restarting.', true);
    if (request.method === 'PUT') state.settings = request.body as NotificationSettings;
    return json(state.settings);
  });
  return { api: createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fake.fetch }), state, requests: fake.requests };
}

const methods = (requests: RecordedRequest[]) => requests.map((request) => request.method);

describe('syncEmailLanguage', () => {
  it('saves the new language with everything else unchanged, and asks nothing again for the same one', async () => {
    const server = fakeServer();
    await syncEmailLanguage(server.api, 'u-1', 'de');
    expect(methods(server.requests)).toEqual(['GET', 'PUT']);
    expect(server.state.settings).toEqual({ ...DEFAULT_NOTIFICATION_SETTINGS, email_delay_minutes: 25, language: 'de' });
    await syncEmailLanguage(server.api, 'u-1', 'de');
    expect(methods(server.requests)).toEqual(['GET', 'PUT']);
  });

  it('only reads when the saved language is already the one', async () => {
    const server = fakeServer();
    await syncEmailLanguage(server.api, 'u-1', 'en');
    expect(methods(server.requests)).toEqual(['GET']);
  });

  it('ends with the last language of a quick back-and-forth', async () => {
    const server = fakeServer();
    void syncEmailLanguage(server.api, 'u-1', 'de');
    void syncEmailLanguage(server.api, 'u-1', 'en');
    await syncEmailLanguage(server.api, 'u-1', 'de');
    expect(server.state.settings.language).toBe('de');
  });

  it('tries again on the next change after a failure', async () => {
    const server = fakeServer();
    server.state.down = true;
    await syncEmailLanguage(server.api, 'u-1', 'de');
    expect(server.state.settings.language).toBe('en');
    server.state.down = false;
    await syncEmailLanguage(server.api, 'u-1', 'de');
    expect(server.state.settings.language).toBe('de');
  });
});
