import { describe, expect, it } from 'vitest';
import { inlinePropertyDefaults } from './shadow-properties.ts';

// What Tailwind v4 and lightningcss write for `border` and `leading-*` (shortened).
const FALLBACK =
  '@layer properties{@supports (((-webkit-hyphens:none)) and (not (margin-trim:inline))){*,:before,:after{--tw-border-style:solid;--tw-leading:initial}::backdrop{--tw-border-style:solid;--tw-leading:initial}}}';
const PROPERTIES =
  '@property --tw-border-style{syntax:"*";inherits:false;initial-value:solid}@property --tw-leading{syntax:"*";inherits:false}';

describe('inlinePropertyDefaults', () => {
  it("puts the initial values in place of Tailwind's fallback, first, and drops the @property rules", () => {
    const css = `/*! tailwindcss */\n${FALLBACK}@layer theme{:host{--x:1}}.border{border-style:var(--tw-border-style)}${PROPERTIES}@keyframes pulse{50%{opacity:.5}}`;
    expect(inlinePropertyDefaults(css)).toBe(
      '/*! tailwindcss */\n@layer properties{*,:before,:after{--tw-border-style:solid}}' +
        '@layer theme{:host{--x:1}}.border{border-style:var(--tw-border-style)}@keyframes pulse{50%{opacity:.5}}',
    );
  });

  it('declares the layer first when Tailwind wrote no fallback', () => {
    expect(inlinePropertyDefaults(`.a{b:c}${PROPERTIES}`)).toBe('@layer properties{*,:before,:after{--tw-border-style:solid}}.a{b:c}');
  });

  it('leaves a stylesheet without @property as it is', () => {
    expect(inlinePropertyDefaults(`${FALLBACK}.a{b:c}`)).toBe(`${FALLBACK}.a{b:c}`);
  });
});
