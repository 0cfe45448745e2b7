/** Small checks shared by routes and socket handlers. */

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
