/**
 * Bad options of the script tag, in words (widget-options.ts `readOptions` names them): the
 * console warnings and `invalid_option` errors. Only a page with wrong options needs this, so
 * it is a chunk of its own that the panel's module loads then (panel.tsx
 * `reportOptionFlaws`), carried neither by the loader nor by the chat's download.
 */
import type { WidgetEventMap, WidgetEventName } from './widget-events.ts';
import { DEFAULT_Z_INDEX, type OptionFlaw } from './widget-options.ts';

/** What was wrong with the options, in words (the console warnings and `invalid_option` errors). */
export function describeOptionFlaws(dataset: DOMStringMap, flaws: readonly OptionFlaw[]): string[] {
  const agent = (dataset.agent ?? '').trim();
  const raw = dataset.apiBase?.trim();
  const words: Record<OptionFlaw, string> = {
    agent: agent
      ? `data-agent="${agent.slice(0, 40)}" is not an agent slug (lowercase letters, digits and dashes).`
      : 'data-agent is required: the slug of the agent to talk to.',
    apiBase: raw
      ? `data-api-base="${raw.slice(0, 80)}" is not an http(s) URL.`
      : 'The chat server could not be worked out from the script URL; set data-api-base.',
    position: 'data-position must be "left" or "right"; using "right".',
    zIndex: `data-z-index must be a whole number; using ${DEFAULT_Z_INDEX}.`,
    themeColor: 'data-theme-color must be a hex colour such as #4f46e5; using the agent’s colour.',
    consent: `data-consent="${(dataset.consent ?? '').slice(0, 40)}" must be "required" (or left out); the chat waits for the visitor's consent all the same.`,
    theme: `data-theme="${(dataset.theme ?? '').slice(0, 40)}" must be "light", "dark" or "auto"; using "auto" (the visitor's system setting).`,
  };
  return flaws.map((flaw) => words[flaw]);
}

/** Warns about each bad option in the page's console, and reports it to the page as an `invalid_option` error. */
export function reportOptionFlaws(
  dataset: DOMStringMap,
  flaws: readonly OptionFlaw[],
  emit: <K extends WidgetEventName>(event: K, payload: WidgetEventMap[K]) => void,
): void {
  describeOptionFlaws(dataset, flaws).forEach((problem, index) => {
    // (The loader warned about data-consent at once, before consent: no second warning.)
    if (flaws[index] !== 'consent') console.warn(`[AMA2Chat] ${problem}`);
    emit('error', { code: 'invalid_option', message: problem });
  });
}
