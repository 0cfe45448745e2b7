/** Small checks shared by routes and socket handlers. */
import { isWellFormedText } from '../../../src/core/protocol/limits.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
// Deliberately plain: one @, something before it, a dot in the domain, no spaces.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export const isUuid = (value: string) => UUID.test(value);
export const isSlug = (value: string) => SLUG.test(value);
export const isEmail = (value: string) => value.length <= 254 && EMAIL.test(value);
export const normalizeEmail = (value: string) => value.trim().toLowerCase();

export const UUID_PATTERN = UUID.source;
export const SLUG_PATTERN = SLUG.source;

/** The JSON path of the first string (or key) in `value` for which `bad` holds, or null. */
function findText(value: unknown, bad: (text: string) => boolean, path = ''): string | null {
  if (typeof value === 'string') return bad(value) ? path : null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findText(value[index], bad, `${path}/${index}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (bad(key)) return `${path}/${key}`;
      const found = findText(item, bad, `${path}/${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * The JSON path of the first string (or key) in a body that holds a lone surrogate, or null.
 * Such text (JSON `"\ud800"`) would be changed to U+FFFD on its way into SQLite, so what is
 * stored would not be what was sent; every text field of every body is refused instead.
 */
export function findMalformedText(value: unknown): string | null {
  return findText(value, (text) => !isWellFormedText(text));
}

/**
 * The JSON path of the first string (or key) in a body that holds U+0000, or null. PostgreSQL
 * cannot store it in text (the commit failed with a 500); SQLite could, so both refuse it alike.
 */
export function findNulText(value: unknown): string | null {
  return findText(value, (text) => text.includes('\u0000'));
}
