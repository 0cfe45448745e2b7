/** One `Intl.PluralRules` per locale: they are cheap to keep and costly to make per string. */
const rules = new Map<string, Intl.PluralRules>();

/**
 * The form of a count's words in a language (`Intl.PluralRules`): `one` for "1 message",
 * `other` for everything else; a language's further categories (`few`, `many`…) are optional.
 */
export function plural(
  locale: string,
  count: number,
  forms: { one: string; other: string } & Partial<Record<Intl.LDMLPluralRule, string>>,
): string {
  let rule = rules.get(locale);
  if (!rule) {
    rule = new Intl.PluralRules(locale);
    rules.set(locale, rule);
  }
  return forms[rule.select(count)] ?? forms.other;
}
