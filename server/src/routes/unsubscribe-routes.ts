import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError, badRequest } from '../http/errors.ts';
import { errorResponses } from '../http/schemas.ts';
import { escapeHtml } from '../notifications/email-message.ts';
import { emailWords, listOf } from '../notifications/email-words.ts';
import { turnOffEmailInSettings } from '../notifications/notification-settings.ts';
import type { UnsubscribeRequest } from '../notifications/unsubscribe-links.ts';
import type { AppContext } from './app-context.ts';

/** The unsubscribe form's body is at most `List-Unsubscribe=One-Click`; anything long is refused early. */
const FORM_BODY_LIMIT_BYTES = 1_024;
/** The link's token: the signed user, kinds and language; far shorter in practice. */
const MAX_TOKEN_LENGTH = 1_024;
/** The small pages here load nothing, run nothing, and post only back here. */
const PAGE_POLICY = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const tokenQuery = {
  type: 'object',
  properties: { token: { type: 'string', minLength: 1, maxLength: MAX_TOKEN_LENGTH } },
  required: ['token'],
} as const;

function page(reply: FastifyReply, status: number, language: string, title: string, inner: string) {
  return reply
    .code(status)
    .header('content-security-policy', PAGE_POLICY)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html>\n<html lang="${language}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n</head>\n<body>\n<main>\n<h1>${escapeHtml(title)}</h1>\n${inner}\n</main>\n</body>\n</html>\n`,
    );
}

const kindWords = (request: UnsubscribeRequest) =>
  listOf(
    request.language,
    request.kinds.map((kind) => emailWords(request.language).kindNames[kind]),
  );

/**
 * One-click unsubscribe (RFC 8058) from notification emails (CONTRACT §12). `POST` with the
 * link's token turns those kinds' email off, no sign-in needed (mail clients post
 * `List-Unsubscribe=One-Click`). `GET` (someone followed the link) only shows a page with a
 * button that posts: mail scanners that fetch every link unsubscribe nobody.
 */
export function unsubscribeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const links = () => ctx.notifyChannels.unsubscribeLinks;
  const readToken = (token: string) => {
    const request = links().read(token);
    if (!request) throw badRequest('This unsubscribe link is not valid (changed or cut short).');
    return request;
  };

  app.get<{ Querystring: { token: string } }>(
    '/notifications/unsubscribe',
    { schema: { hide: true, querystring: tokenQuery } },
    async (request, reply) => {
      const asked = links().read(request.query.token);
      if (!asked) {
        return page(reply, 400, 'en', 'This link is not valid', '<p>This unsubscribe link is not valid: it was changed or cut short.</p>');
      }
      const words = emailWords(asked.language);
      const action = `?token=${encodeURIComponent(request.query.token)}`;
      return page(
        reply,
        200,
        asked.language,
        words.confirmTitle,
        `<p>${escapeHtml(words.confirmQuestion(kindWords(asked)))}</p>\n<form method="post" action="${escapeHtml(action)}">\n<input type="hidden" name="List-Unsubscribe" value="One-Click">\n<button type="submit">${escapeHtml(words.confirmButton)}</button>\n</form>`,
      );
    },
  );

  void app.register(async (scope) => {
    // RFC 8058's body is a form (`List-Unsubscribe=One-Click`); the API elsewhere takes JSON only.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.post<{ Querystring: { token: string } }>(
      '/notifications/unsubscribe',
      {
        schema: {
          tags: ['notifications'],
          summary: 'RFC 8058 one-click unsubscribe: turns the linked kinds of email off (no sign-in)',
          security: [],
          querystring: tokenQuery,
          response: {
            200: { type: 'object', properties: { unsubscribed: { type: 'array', items: { type: 'string' } } } },
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const asked = readToken(request.query.token);
        const user = await ctx.storage.users.get(asked.userId);
        if (!user) throw new ApiError('not_found', 'The account of this link no longer exists.');
        const at = new Date().toISOString();
        for (const kind of asked.kinds) await ctx.storage.emailOptOuts.turnOff(asked.userId, kind, at);
        // The settings are what the inbox shows and what the queue reads: the kinds lose their email there too.
        await turnOffEmailInSettings(ctx.storage, asked.userId, asked.kinds);
        request.log.info({ user_id: asked.userId, kinds: asked.kinds }, 'email turned off by unsubscribe link');
        // The confirm page's button is a browser: it gets a page. A mail client's one-click POST gets JSON.
        if (request.headers.accept?.includes('text/html')) {
          const words = emailWords(asked.language);
          return page(reply, 200, asked.language, words.doneTitle, `<p>${escapeHtml(words.done(kindWords(asked)))}</p>`);
        }
        return { unsubscribed: asked.kinds };
      },
    );
  });
}
