import { describe, expect, it } from 'vitest';
import { pushWordsDe } from './catalog-push-de.ts';
import { pushWordsEn } from './catalog-push-en.ts';
import { catalogParityTests } from './testing/catalog-parity.ts';

describe("the service worker's catalogs", () => {
  catalogParityTests(pushWordsEn, pushWordsDe, () => undefined);

  it('name the buttons of an approval in each language', () => {
    expect([pushWordsEn.approve, pushWordsEn.reject]).toEqual(['Approve', 'Reject']);
    expect([pushWordsDe.approve, pushWordsDe.reject]).toEqual(['Freigeben', 'Ablehnen']);
  });
});
