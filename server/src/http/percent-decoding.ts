const PERCENT_ESCAPE = /%([0-9a-fA-F]{2})/g;
const ASCII_LIMIT = 0x80;

/**
 * Decodes the ASCII percent escapes of URL text (`%61` → `a`, `%2F` → `/`), as routers and
 * query parsers do before they compare names. Escapes of other bytes and malformed ones stay
 * as they are: what is compared (paths, parameter names, tokens) is ASCII, and this never throws.
 */
export function decodeAsciiEscapes(text: string): string {
  return text.replace(PERCENT_ESCAPE, (escape, hex: string) => {
    const code = Number.parseInt(hex, 16);
    return code < ASCII_LIMIT ? String.fromCharCode(code) : escape;
  });
}
