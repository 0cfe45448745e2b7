import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { activateLanguage } from '../i18n/locale-store.ts';
import { VisitorBadge } from './visitor-badge.tsx';

afterEach(async () => {
  cleanup();
  await activateLanguage('en');
});

const VISITOR = { sender_id: 'visitor:v-1', name: 'Jane', email: 'jane@shop.test', verified: true };

describe('VisitorBadge', () => {
  it('says "Verified" with the label, and what it means to a screen reader and as a tooltip', () => {
    render(<VisitorBadge visitor={VISITOR} />);
    const badge = screen.getByTestId('visitor-trust');
    expect(badge.textContent).toBe(
      "✓ VerifiedVerified: the agent's website signed this visitor's identity (jane@shop.test).jane@shop.test",
    );
    expect(badge.querySelector('[title]')?.getAttribute('title')).toBe(
      "Verified: the agent's website signed this visitor's identity (jane@shop.test).",
    );
    expect(badge.querySelector('[aria-hidden="true"]')?.textContent).toBe('✓ Verified');
  });

  it('says "Unverified email" for a visitor nobody vouched for, with their name when there is no email', () => {
    render(<VisitorBadge visitor={{ ...VISITOR, email: null, verified: false }} />);
    const badge = screen.getByTestId('visitor-trust');
    expect(badge.querySelector('[aria-hidden="true"]')?.textContent).toBe('Unverified email');
    expect(badge.querySelector('.sr-only')?.textContent).toBe(
      'Unverified email: the visitor typed “Jane” themselves; nothing proves it is theirs.',
    );
    expect(badge.textContent).toMatch(/Jane \(typed by visitor\)$/);
  });

  it('marks a typed label as typed by the visitor, in English and German; a verified one stays as the website signed it', async () => {
    const typed = { ...VISITOR, verified: false };
    const { rerender } = render(<VisitorBadge visitor={typed} />);
    const label = () => screen.getByTestId('visitor-trust').lastElementChild?.textContent;
    expect(label()).toBe('jane@shop.test (typed by visitor)');
    await act(() => activateLanguage('de'));
    expect(label()).toBe('jane@shop.test (vom Besucher eingegeben)');
    expect(screen.getByTestId('visitor-trust').querySelector('[aria-hidden="true"]')?.textContent).toBe('Unbestätigte E-Mail');
    rerender(<VisitorBadge visitor={VISITOR} />);
    expect(label()).toBe('jane@shop.test');
    expect(screen.getByTestId('visitor-trust').querySelector('[aria-hidden="true"]')?.textContent).toBe('✓ Bestätigt');
  });

  it('leaves the label out when asked (the title says it already)', () => {
    render(<VisitorBadge visitor={VISITOR} showLabel={false} />);
    expect(screen.getByTestId('visitor-trust').textContent).not.toMatch(/jane@shop\.test$/);
  });

  it('shows nothing for a thread without a visitor (a private thread, or a seed-only server)', () => {
    const { container } = render(<VisitorBadge visitor={undefined} />);
    expect(container.innerHTML).toBe('');
  });
});
