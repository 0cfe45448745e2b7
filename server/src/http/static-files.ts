/**
 * Serving of the built client (`vite build` into STATIC_DIR): the inbox, the widget and its
 * demo page.
 *
 * - Compression: the build writes `x.br` and `x.gz` beside each text file
 *   (build/precompress.ts); @fastify/static's `preCompressed` sends the best one the request
 *   accepts (br, then gzip, else the file itself) with `Vary: Accept-Encoding`, the original
 *   file's `Content-Type`, and the variant's own `Content-Length` and ETag.
 * - Caching, by kind of file: see {@link cacheControlOf}.
 * - Pages get the security headers of ./security-headers.ts.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { RuntimeConfigFile } from './runtime-config-file.ts';
import { setPageSecurityHeaders } from './security-headers.ts';

/** Content-hashed names never change content: cache for a year, never revalidate. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * widget.js has a fixed name (websites paste it) and runs on every page view of every
 * website: revalidating on each view would add a round trip to each of them. Five minutes
 * of freshness, then a revalidation (ETag): a release reaches visitors within five minutes.
 */
const LOADER_CACHE = 'public, max-age=300, must-revalidate';
/** Pages and other fixed names: a cache may keep them but must ask (ETag) before each use. */
const REVALIDATE = 'no-cache';

/** Vite's content-hashed widget files: `widget-panel-<hash>.js`, `widget-<chunk>-<hash>.js`, and their maps. */
const HASHED_WIDGET_FILE = /^widget-.+-[\w-]{8}\.js(?:\.map)?$/;
const WIDGET_LOADER = /^widget\.js(?:\.map)?$/;
/** Files of the widget, fetched by pages of other origins (the panel is a module script: CORS). */
const WIDGET_SCRIPT = /^widget(?:[-.].*)?\.js(?:\.map)?$/;
/** A pre-compressed variant's suffix; the variant is sent for its file, never asked for by name. */
const VARIANT = /\.(?:br|gz)$/;

/** The Cache-Control of a file of the static folder, by its path relative to it. */
function cacheControlOf(file: string): string {
  const name = basename(file);
  if (file.startsWith(`assets${sep}`) || file.startsWith('assets/') || HASHED_WIDGET_FILE.test(name)) return IMMUTABLE;
  if (WIDGET_LOADER.test(name)) return LOADER_CACHE;
  return REVALIDATE;
}

/**
 * Serves STATIC_DIR at `/` when a client is built there, and `/config.json` in any case.
 * Returns whether a client is built (the not-found handler falls back to index.html then).
 */
export async function registerStaticFiles(fastify: FastifyInstance, staticDir: string): Promise<boolean> {
  const runtimeConfig = new RuntimeConfigFile(join(staticDir, 'config.json'));
  const hasClient = existsSync(join(staticDir, 'index.html'));

  if (hasClient) {
    await fastify.register(fastifyStatic, {
      root: staticDir,
      prefix: '/',
      // Files are looked up per request, so a rebuild is served without a restart.
      wildcard: true,
      index: ['index.html'],
      preCompressed: true,
      // Dot folders hold build internals (.vite/ manifests), not files for browsers.
      dotfiles: 'ignore',
      allowedPath: (pathname) => !VARIANT.test(pathname),
      setHeaders: (reply, path) => {
        // `path` is the file sent: for a compressed answer, the variant.
        const file = relative(staticDir, path).replace(VARIANT, '');
        reply.header('cache-control', cacheControlOf(file));
        if (WIDGET_SCRIPT.test(basename(file))) {
          reply.header('access-control-allow-origin', '*');
          reply.header('cross-origin-resource-policy', 'cross-origin');
        }
        if (file.endsWith('.html')) setPageSecurityHeaders(reply, runtimeConfig.apiOrigins());
      },
    });
  }

  // Without a config.json of its own, the deployment answers `{}` (the inbox then uses its own
  // origin), not a 404 that every first load would log in the browser's console.
  fastify.get('/config.json', { schema: { hide: true } }, async (_request, reply) => {
    if (hasClient && runtimeConfig.exists()) return reply.sendFile('config.json');
    return reply.header('cache-control', REVALIDATE).send({});
  });

  return hasClient;
}
