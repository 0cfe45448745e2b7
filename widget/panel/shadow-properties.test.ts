import { describe, expect, it } from 'vitest';
import { propertyDefaults } from './shadow-properties.ts';

const property = (name: string, initialValue: string | null) => ({ name, initialValue, cssText: '' }) as unknown as CSSRule;

describe('propertyDefaults', () => {
  it('turns @property rules with an initial value into declarations, looking inside groups', () => {
    const rules = [
      property('--tw-border-style', 'solid'),
      property('--tw-leading', null),
      { cssText: '.x{}', selectorText: '.x' } as unknown as CSSRule,
      { cssText: '@layer y{}', cssRules: [property('--tw-shadow', '0 0 #0000')] } as unknown as CSSRule,
    ];
    expect(propertyDefaults(rules)).toEqual(['--tw-border-style: solid', '--tw-shadow: 0 0 #0000']);
  });
});
