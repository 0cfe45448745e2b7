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

/** The parts of a JSON Schema that {@link bodyTypeMismatch} reads. */
export interface JsonSchemaNode {
  type?: string | readonly string[];
  properties?: Readonly<Record<string, JsonSchemaNode>>;
  items?: JsonSchemaNode;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * The first value of a JSON body whose type is not the one its schema names, as a sentence
 * that names the field ("content must be string."), or null. ajv coerces types because query
 * strings and path params arrive as strings; without this check it would also turn a body's
 * `content: 5` into "5" and store it.
 */
export function bodyTypeMismatch(schema: JsonSchemaNode | undefined, value: unknown, path = ''): string | null {
  if (!schema || value === undefined) return null;
  const actual = jsonType(value);
  if (schema.type !== undefined) {
    const allowed: readonly string[] = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!allowed.some((type) => type === actual || (type === 'number' && actual === 'integer'))) {
      return `${path || 'The request body'} must be ${allowed.join(' or ')}.`;
    }
  }
  if (schema.properties && actual === 'object') {
    for (const [key, child] of Object.entries(schema.properties)) {
      if (!Object.hasOwn(value as object, key)) continue;
      const found = bodyTypeMismatch(child, (value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  if (schema.items && Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = bodyTypeMismatch(schema.items, item, `${path || 'The request body'}.${index}`);
      if (found) return found;
    }
  }
  return null;
}
