import { describe, expect, it } from 'vitest';
import { de } from './catalog-de.ts';
import { en } from './catalog-en.ts';
import { catalogLeaves as leaves, SAMPLES } from './catalog-samples.ts';
import { catalogParityTests } from './testing/catalog-parity.ts';

describe('the inbox catalogs', () => {
  const sampleArgs = leaves(SAMPLES);
  catalogParityTests(en, de, (key) => sampleArgs.get(key) as readonly unknown[][] | undefined);

  it('name their locale', () => {
    expect(en.locale).toBe('en');
    expect(de.locale).toBe('de');
  });

  it('count with the language’s plural rules', () => {
    expect(en.thread.newBelow(1)).toBe('1 new message ↓');
    expect(en.thread.newBelow(2)).toBe('2 new messages ↓');
    expect(de.thread.newBelow(1)).toBe('1 neue Nachricht ↓');
    expect(de.thread.newBelow(1200)).toBe('1.200 neue Nachrichten ↓');
    expect(en.runs.toolCallCount(1)).toBe('1 tool call');
    expect(de.runs.toolCallCount(3)).toBe('3 Werkzeugaufrufe');
  });

  it('join names as the language does', () => {
    expect(en.thread.typing(['Ann', 'Bob', 'Cy'])).toBe('Ann, Bob, and Cy are typing…');
    expect(en.thread.typing(['Ann'])).toBe('Ann is typing…');
    expect(de.thread.typing(['Ann', 'Bob'])).toBe('Ann und Bob schreiben…');
  });

  it('show the server’s words for an API error in English and the code’s meaning in German', () => {
    expect(en.apiError('forbidden', 'Only owners can do this.')).toBe('Only owners can do this.');
    expect(de.apiError('forbidden', 'Only owners can do this.')).toBe('Dafür fehlt Ihnen die Berechtigung.');
  });

  it('say in German why a run stopped when a person took its conversation over (a run card, live or from the log)', () => {
    expect(de.runError('taken_over', 'A person took this conversation over; the agent stopped.')).toBe(
      'Eine Person hat das Gespräch übernommen; der Agent hat aufgehört.',
    );
  });
});
