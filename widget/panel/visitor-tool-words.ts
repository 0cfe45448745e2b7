import type { PanelStrings, VisitorToolWords } from './i18n.ts';

/**
 * What a visitor reads about one of the agent's tools, in the panel's language: the catalog's
 * words for a known tool, else words that name nothing of it ("The team is checking a step
 * before I continue"). A tool's name, its arguments and its ids are for the team (the inbox's
 * run cards, src/runs/tool-words.ts); they never reach a visitor, not even made readable.
 */
export function visitorToolWords(name: string | null, strings: PanelStrings): VisitorToolWords {
  return name !== null && Object.hasOwn(strings.tools, name) ? strings.tools[name]! : strings.anyTool;
}
