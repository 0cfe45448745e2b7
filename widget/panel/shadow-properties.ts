/**
 * Browsers ignore `@property` inside shadow roots, yet Tailwind v4 utilities rely on the
 * initial values it registers (`border` reads `--tw-border-style`, `space-y-*` reads
 * `--tw-space-y-reverse`…; tailwindcss#15005). Its own fallback only covers browsers without
 * `@property`, so Chrome would draw no borders in a shadow root. At build time
 * (vite.widget.config.ts) this turns the panel's stylesheet's `@property` rules into plain
 * declarations on every element of the shadow tree (what registration with
 * `inherits: false` amounts to), in Tailwind's lowest layer, in place of Tailwind's
 * fallback: one rule for every browser, and no `@property` rule the shadow root ignores.
 */

/** A `@property` rule as lightningcss writes it: `@property --name{syntax:"*";inherits:false;initial-value:0}`. */
const PROPERTY_RULE = /@property\s+(--[\w-]+)\s*\{([^}]*)\}/g;
const INITIAL_VALUE = /(?:^|;)\s*initial-value\s*:\s*([^;]+?)\s*(?:;|$)/;
/** Tailwind's fallback for browsers without `@property`: the first rule of its lowest layer. */
const PROPERTIES_LAYER = '@layer properties{';

/** The index just past the `}` that closes the block opening at `open` (a `{`). */
function blockEnd(css: string, open: number): number {
  let depth = 0;
  for (let index = open; index < css.length; index++) {
    if (css[index] === '{') depth++;
    else if (css[index] === '}' && --depth === 0) return index + 1;
  }
  throw new Error('shadow-properties: unbalanced braces after @layer properties');
}

/**
 * `css` (minified) with its `@property` rules replaced by their initial values, declared
 * in `@layer properties` where Tailwind's fallback was (that layer must stay first: every
 * utility overrides it). A stylesheet without `@property` is returned as it is.
 */
export function inlinePropertyDefaults(css: string): string {
  const declarations: string[] = [];
  const withoutRules = css.replace(PROPERTY_RULE, (_, name: string, body: string) => {
    const value = INITIAL_VALUE.exec(body)?.[1];
    if (value !== undefined) declarations.push(`${name}:${value}`);
    return '';
  });
  if (withoutRules === css) return css;
  const layer = declarations.length > 0 ? `${PROPERTIES_LAYER}*,:before,:after{${declarations.join(';')}}}` : '';
  const start = withoutRules.indexOf(PROPERTIES_LAYER);
  if (start === -1) return layer + withoutRules;
  const end = blockEnd(withoutRules, start + PROPERTIES_LAYER.length - 1);
  return withoutRules.slice(0, start) + layer + withoutRules.slice(end);
}
