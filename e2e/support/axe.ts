/**
 * Accessibility as a test: axe-core over the page as it is now, against WCAG 2.0, 2.1 and
 * 2.2 at levels A and AA. A `serious` or `critical` violation fails the spec, with each
 * rule, its impact, its help text and the selectors of the failing nodes in the message.
 *
 * axe-core walks open shadow roots, so the widget (an open shadow root on the host page,
 * see widget/loader/widget.ts) is analysed with the page; a node inside one has a target of
 * several selectors, host first.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { AxeResults, NodeResult, Result } from 'axe-core';

/** The WCAG levels the product promises (README "Accessibility"). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** The impacts that fail a spec; `minor` and `moderate` ones are listed in the report only. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

export interface AccessibleOptions {
  /** Analyse only these (CSS selectors; default the whole page). */
  include?: string[];
  /**
   * Leave these out, each with the reason (a third party's markup we cannot change). Never
   * used to make one of our own components pass.
   */
  exclude?: { selector: string; because: string }[];
}

/** A node's target as one readable string: shadow hosts joined with " >>> ". */
export const targetOf = (node: NodeResult): string =>
  node.target.map((part) => (Array.isArray(part) ? part.join(' >>> ') : String(part))).join(' | ');

function describeViolation(violation: Result): string {
  const nodes = violation.nodes.map(
    (node) => `    - ${targetOf(node)}${node.failureSummary ? `\n      ${node.failureSummary.replace(/\n/g, '\n      ')}` : ''}`,
  );
  return `  ${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.helpUrl}\n${nodes.join('\n')}`;
}

/**
 * Runs axe-core over `page` and fails on any serious or critical WCAG 2.x A/AA violation.
 * `label` names the screen in the failure message. Returns the results, for a spec that
 * wants to check what was analysed.
 */
export async function expectAccessible(page: Page, label: string, options: AccessibleOptions = {}): Promise<AxeResults> {
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  for (const selector of options.include ?? []) builder = builder.include(selector);
  for (const { selector } of options.exclude ?? []) builder = builder.exclude(selector);
  const results = await builder.analyze();
  const failing = results.violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''));
  // The lesser ones go into the report, to be read and fixed without failing the run.
  const lesser = results.violations.filter((violation) => !FAILING_IMPACTS.has(violation.impact ?? ''));
  if (lesser.length > 0) test.info().annotations.push({ type: `axe: ${label}`, description: lesser.map(describeViolation).join('\n') });
  expect(
    failing.length,
    `axe-core on "${label}" (${page.url()}): ${failing.length} serious or critical violation(s)\n${failing.map(describeViolation).join('\n')}`,
  ).toBe(0);
  return results;
}

/** Whether axe-core looked inside a shadow root: some checked node has a target through a host. */
export const analysedShadowDom = (results: AxeResults): boolean =>
  [...results.passes, ...results.violations, ...results.incomplete].some((rule) =>
    rule.nodes.some((node) => node.target.some((part) => Array.isArray(part) && part.length > 1)),
  );
