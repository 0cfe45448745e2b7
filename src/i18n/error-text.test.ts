import { describe, expect, it } from 'vitest';
import { ApiError } from '../core/api/api-error.ts';
import { de } from './catalog-de.ts';
import { en } from './catalog-en.ts';
import { errorText } from './error-text.ts';

describe('errorText', () => {
  const refused = new ApiError('forbidden', 'Only this agent’s owners can change its settings.', false, 403);

  it('keeps the server’s own words in English', () => {
    expect(errorText(refused, en)).toBe('Only this agent’s owners can change its settings.');
  });

  it('says what the error code means in German, since the server speaks English', () => {
    expect(errorText(refused, de)).toBe('Dafür fehlt Ihnen die Berechtigung.');
    expect(errorText(new ApiError('network_error', 'Could not reach the server (GET /threads).', true), de)).toBe(
      'Der Server ist nicht erreichbar.',
    );
  });

  it('shows another error’s message, and the catalog’s generic words when there is none', () => {
    expect(errorText(new Error('Storage is full.'), de)).toBe('Storage is full.');
    expect(errorText(undefined, de)).toBe('Etwas ist schiefgegangen. Bitte erneut versuchen.');
    expect(errorText('', en)).toBe('Something went wrong. Try again.');
  });
});
