import { describe, expect, it } from 'vitest';
import { remToPx } from './pixel-units.ts';

describe('remToPx', () => {
  it('turns rem lengths into pixels at 16 px, signs and decimals included', () => {
    expect(remToPx('.p{padding:.75rem 1rem;margin:-0.25rem;width:calc(var(--spacing)*4)}')).toBe(
      '.p{padding:12px 16px;margin:-4px;width:calc(var(--spacing)*4)}',
    );
    expect(remToPx(':root{--spacing:.25rem;--text-sm:.875rem;--text-sm--line-height:calc(1.25/.875)}')).toBe(
      ':root{--spacing:4px;--text-sm:14px;--text-sm--line-height:calc(1.25/.875)}',
    );
    expect(remToPx('@media (width>=40rem){.a{font-size:1.5em}}')).toBe('@media (width>=640px){.a{font-size:1.5em}}');
  });

  it('leaves names and other units alone', () => {
    const css = '.remark{top:2px;line-height:1.5;--x-2rem-y:1}.a2rem{left:1em}';
    expect(remToPx(css)).toBe(css);
  });

  it('leaves a length escaped in a class name alone, so the class still matches (text-[0.7rem])', () => {
    expect(remToPx('.text-\\[0\\.7rem\\]{font-size:.7rem}')).toBe('.text-\\[0\\.7rem\\]{font-size:11.2px}');
  });
});
