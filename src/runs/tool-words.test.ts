import { describe, expect, it } from 'vitest';
import { de } from '../i18n/catalog-de.ts';
import { en } from '../i18n/catalog-en.ts';
import { escalationTarget, planSentence, readableName, toolCallSentence } from './tool-words.ts';

describe('tool words', () => {
  it('make an identifier readable', () => {
    expect(readableName('lookup_order')).toBe('lookup order');
    expect(readableName('lookupOrder')).toBe('lookup order');
    expect(readableName('crm.find-contact')).toBe('crm find contact');
    expect(readableName('___')).toBe('___');
  });

  it('say a known tool in the catalog’s words and any other around its readable name', () => {
    const done = { status: 'done', ok: true } as const;
    expect(toolCallSentence({ name: 'send_email', ...done }, en)).toBe('Sent an email');
    expect(toolCallSentence({ name: 'send_email', ...done }, de)).toBe('Hat eine E-Mail gesendet');
    expect(toolCallSentence({ name: 'lookup_order', ...done }, en)).toBe('Used the tool “lookup order”');
    expect(toolCallSentence({ name: 'lookup_order', status: 'done', ok: false }, de)).toBe(
      'Das Werkzeug „lookup order“ ist fehlgeschlagen',
    );
    expect(toolCallSentence({ name: 'lookup', status: 'running', ok: null }, en)).toBe('Looking up records…');
    // A name that happens to be an Object.prototype key is still just a name.
    expect(toolCallSentence({ name: 'constructor', ...done }, en)).toBe('Used the tool “constructor”');
  });

  it('name the escalation target in words', () => {
    expect(escalationTarget('human', en)).toBe('a person');
    expect(escalationTarget('human', de)).toBe('einen Menschen');
    expect(escalationTarget('billing_team', en)).toBe('billing team');
  });

  it('say the plan, each step once', () => {
    expect(planSentence(['request_approval:send_email', 'reply'], en)).toBe('Plan: ask for approval to send an email, then reply');
    expect(planSentence(['request_approval:send_email', 'reply'], de)).toBe('Plan: Freigabe einholen (eine E-Mail senden), dann antworten');
    expect(planSentence(['escalate:human', 'reply'], de)).toBe('Plan: an einen Menschen übergeben, dann antworten');
    expect(planSentence(['reply', 'reply:long'], en)).toBe('Plan: reply');
    expect(planSentence([], en)).toBeNull();
  });
});
