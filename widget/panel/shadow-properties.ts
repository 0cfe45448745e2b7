/**
 * Browsers ignore `@property` inside shadow roots, yet Tailwind v4 utilities rely on the
 * initial values it registers (`border` reads `--tw-border-style`, shadows read
 * `--tw-shadow`…; tailwindcss#15005). Its own fallback only covers browsers without
 * `@property`, so Chrome draws no borders in a shadow root. This turns the sheet's
 * `@property` rules into plain declarations on every element of the shadow tree (what
 * registration with `inherits: false` amounts to), in the lowest layer, and never touches
 * the host page's document.
 */

interface PropertyLike {
  name: string;
  initialValue: string | null;
}

const isPropertyRule = (rule: CSSRule): rule is CSSRule & PropertyLike =>
  typeof (rule as Partial<PropertyLike>).name === 'string' &&
  (rule as Partial<PropertyLike>).name!.startsWith('--') &&
  'initialValue' in rule;

/** `--name: value` for every `@property` with an initial value, in `rules` and the groups inside them. */
export function propertyDefaults(rules: CSSRuleList | readonly CSSRule[]): string[] {
  const declarations: string[] = [];
  for (const rule of Array.from(rules)) {
    if (isPropertyRule(rule)) {
      if (rule.initialValue !== null && rule.initialValue !== '') declarations.push(`${rule.name}: ${rule.initialValue}`);
    } else if ('cssRules' in rule && rule.cssRules) {
      declarations.push(...propertyDefaults((rule as CSSGroupingRule).cssRules));
    }
  }
  return declarations;
}

/** Adds the defaults to `sheet` (see above). Quietly does nothing where the CSSOM cannot. */
export function applyPropertyDefaults(sheet: CSSStyleSheet): void {
  try {
    const declarations = propertyDefaults(sheet.cssRules);
    if (declarations.length === 0) return;
    // `properties` is the first layer Tailwind declares: every utility overrides it.
    sheet.insertRule(`@layer properties { *, ::before, ::after, ::backdrop { ${declarations.join('; ')} } }`, sheet.cssRules.length);
  } catch {
    // An old CSSOM: borders and shadows may be missing, nothing else breaks.
  }
}
