import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';

/**
 * How deeply a request body's objects and arrays may nest. No route's body goes past a few
 * levels; the limit only keeps recursive code (validation, the text checks) off input that
 * would overflow the stack.
 */
export const MAX_JSON_BODY_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Where the string that opens at `open` (a quote) closes: the next quote not escaped by an odd
 * run of backslashes; -1 when it never closes. Found with `indexOf`, not a character loop:
 * most of a body is the text of its strings.
 */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at >= 0; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    for (let before = at - 1; text.charCodeAt(before) === BACKSLASH; before--) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/**
 * Whether JSON text nests objects and arrays deeper than `maxDepth`: one pass over the text,
 * skipping strings, without parsing it. Malformed text is left to the parser to refuse.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = closingQuote(text, index);
      if (index < 0) return false;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * Replaces Fastify's JSON body parser with one that first refuses bodies nested deeper than
 * {@link MAX_JSON_BODY_DEPTH} (400 `client_error`), then parses as Fastify does (prototype
 * poisoning refused). Every route's body goes through it, before any hook or handler.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (nestsDeeperThan(text, MAX_JSON_BODY_DEPTH)) {
      done(
        new ApiError('client_error', `The request body nests objects or arrays more than ${MAX_JSON_BODY_DEPTH} levels deep.`),
        undefined,
      );
      return;
    }
    void parse(request, text, done);
  });
}
