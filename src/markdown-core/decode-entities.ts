/**
 * Character references (`&amp;`, `&#35;`, `&copy;`) in message text, decoded to the
 * characters they name: the named ones CommonMark needs most are here, the other 2,000+
 * come from the browser's own table.
 */

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

/** Decodes character references (`&amp;`, `&#35;`, `&copy;`) to the characters they name; unknown names stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name === undefined) {
      const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
      // CommonMark: invalid code points and NUL become U+FFFD.
      return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
    }
    return Object.hasOwn(NAMED_ENTITIES, name) ? NAMED_ENTITIES[name]! : (namedByBrowser(name) ?? whole);
  });
}

/** The little of the DOM the decoder needs, typed here: this module also runs (and type-checks) under Node, where there is none. */
interface DecoderElement {
  innerHTML: string;
  textContent: string | null;
}
const page = globalThis as { document?: { createElement(tag: 'i'): DecoderElement } };

let entityDecoder: DecoderElement | undefined;

/**
 * The character a named reference stands for, read from the browser's own table (2,000+
 * names we need not ship); `null` outside a DOM or for an unknown name. Only `&name;` with
 * a checked name reaches innerHTML, so no markup can.
 */
function namedByBrowser(name: string): string | null {
  if (!page.document) return null;
  entityDecoder ??= page.document.createElement('i');
  const reference = `&${name};`;
  entityDecoder.innerHTML = reference;
  const decoded = entityDecoder.textContent ?? reference;
  // A legacy name decodes without its `;` (`&copycat;` → `©cat;`): that is not this name.
  return decoded === reference || (decoded.length > 1 && decoded.endsWith(';')) ? null : decoded;
}
