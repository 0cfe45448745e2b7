import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressFiles } from '../../../build/precompress.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * Serving of the built client: pre-compressed variants chosen by Accept-Encoding, caching by
 * kind of file, the pages' security headers and `/config.json`. The static folder is a
 * fixture built here with the build's own compression step (build/precompress.ts).
 */

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes on the wire, not decoded (fetch would decompress them). */
  body: Buffer;
}

function get(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const HTML = `<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>Inbox</title>
<script type="module" crossorigin src="/assets/index-AbCd1234.js"></script></head>
<body>${'<div class="row">a row of the fixture page</div>\n'.repeat(40)}<div id="root"></div></body></html>`;
const SCRIPT = (name: string) =>
  `export function ${name}(items) {\n${'  items.forEach((item) => console.log(item.id, item.name));\n'.repeat(300)}}\n`;
const PANEL = 'widget-panel-Zx9_Qw-1.js';

const FILES: Record<string, string | Buffer> = {
  'index.html': HTML,
  'widget-demo.html': HTML.replace('Inbox', 'Widget demo'),
  'assets/index-AbCd1234.js': SCRIPT('inbox'),
  'assets/index-AbCd1234.css': `.a { color: red; }\n`.repeat(200),
  // Random bytes do not compress: the build writes no variant, and the file goes out as it is.
  'assets/photo-AbCd1234.png': randomBytes(4_000),
  'widget.js': SCRIPT('loader'),
  // The inbox's service worker: a fixed name at the root (scope `/`).
  'sw.js': SCRIPT('serviceWorker'),
  [PANEL]: SCRIPT('panel'),
  '.vite/manifest.json': JSON.stringify({ 'widget/panel/panel.tsx': { file: PANEL } }),
  'favicon.svg': `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">${'<rect width="1" height="1"/>'.repeat(30)}</svg>`,
};

describe('static files', () => {
  let server: TestServer;
  let dir: string;
  const fileOf = (name: string) => readFileSync(join(dir, name));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-static-'));
    mkdirSync(join(dir, 'assets'));
    mkdirSync(join(dir, '.vite'));
    for (const [name, content] of Object.entries(FILES)) writeFileSync(join(dir, name), content);
    // As the build does: its own manifest in .vite/ is left alone.
    const served = Object.keys(FILES).filter((name) => !name.startsWith('.vite/'));
    const results = await precompressFiles(served.map((name) => join(dir, name)));
    // The fixture is what a build writes: every text file has both variants, the image none.
    expect(results.every((result) => result.br !== undefined && result.gzip !== undefined)).toBe(true);
    expect(() => statSync(join(dir, 'assets/photo-AbCd1234.png.br'))).toThrow();
    server = await startTestServer({ STATIC_DIR: dir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('compression by Accept-Encoding', () => {
    const cases = [
      { accept: 'br, gzip', encoding: 'br' },
      { accept: 'gzip, deflate, br, zstd', encoding: 'br' },
      { accept: 'gzip, br', encoding: 'br' },
      { accept: 'br;q=0.5, gzip', encoding: 'gzip' },
      { accept: 'gzip', encoding: 'gzip' },
      // @fastify/static reads `*` as gzip.
      { accept: '*', encoding: 'gzip' },
      { accept: 'identity', encoding: undefined },
      { accept: 'deflate', encoding: undefined },
      { accept: 'br;q=0, gzip;q=0', encoding: undefined },
      { accept: undefined, encoding: undefined },
    ];

    it.each(cases)('Accept-Encoding $accept gets $encoding', async ({ accept, encoding }) => {
      const name = 'assets/index-AbCd1234.js';
      const response = await get(server, `/${name}`, accept === undefined ? {} : { 'accept-encoding': accept });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers.vary).toMatch(/accept-encoding/i);
      expect(response.headers['content-type']).toBe('application/javascript; charset=utf-8');
      const suffix = encoding === 'br' ? '.br' : encoding === 'gzip' ? '.gz' : '';
      expect(response.headers['content-length']).toBe(String(statSync(join(dir, name + suffix)).size));
      expect(response.body.length).toBe(statSync(join(dir, name + suffix)).size);
      const decoded =
        encoding === 'br' ? brotliDecompressSync(response.body) : encoding === 'gzip' ? gunzipSync(response.body) : response.body;
      expect(decoded.equals(fileOf(name))).toBe(true);
    });

    it('sends far fewer bytes with brotli than without', async () => {
      const plain = await get(server, `/${PANEL}`);
      const br = await get(server, `/${PANEL}`, { 'accept-encoding': 'br, gzip' });
      expect(br.body.length).toBeLessThan(plain.body.length / 10);
    });

    it('gives each variant its own ETag, and revalidates each', async () => {
      const etags = new Set<string>();
      for (const accept of ['br', 'gzip', 'identity']) {
        const response = await get(server, '/widget.js', { 'accept-encoding': accept });
        const etag = response.headers.etag as string;
        expect(etag).toBeTruthy();
        etags.add(etag);
        const again = await get(server, '/widget.js', { 'accept-encoding': accept, 'if-none-match': etag });
        expect(again.status).toBe(304);
        expect(again.body.length).toBe(0);
      }
      expect(etags.size).toBe(3);
    });

    it('compresses pages and the SPA fallback, with the type of the page', async () => {
      for (const [path, headers] of [
        ['/', {}],
        ['/index.html', {}],
        ['/threads/t-1', { accept: 'text/html' }],
      ] as const) {
        const response = await get(server, path, { ...headers, 'accept-encoding': 'br, gzip' });
        expect(response.status).toBe(200);
        expect(response.headers['content-encoding']).toBe('br');
        expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(brotliDecompressSync(response.body).toString()).toBe(HTML);
      }
    });

    it('sends a file without a smaller variant as it is, still varying on Accept-Encoding', async () => {
      const response = await get(server, '/assets/photo-AbCd1234.png', { 'accept-encoding': 'br, gzip' });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBeUndefined();
      expect(response.headers['content-type']).toBe('image/png');
      expect(response.headers.vary).toMatch(/accept-encoding/i);
      expect(response.body.equals(fileOf('assets/photo-AbCd1234.png'))).toBe(true);
    });

    it('does not serve build internals from dot folders', async () => {
      for (const accept of ['br', 'identity']) {
        const response = await get(server, '/.vite/manifest.json', { 'accept-encoding': accept });
        expect(response.status).toBe(404);
      }
    });

    it('does not serve a variant by its own name', async () => {
      const response = await get(server, '/assets/index-AbCd1234.js.br', { 'accept-encoding': 'br' });
      expect(response.status).toBe(404);
    });
  });

  describe('caching', () => {
    it.each([
      ['/assets/index-AbCd1234.js', 'public, max-age=31536000, immutable'],
      ['/assets/index-AbCd1234.css', 'public, max-age=31536000, immutable'],
      [`/${PANEL}`, 'public, max-age=31536000, immutable'],
      ['/widget.js', 'public, max-age=300, must-revalidate'],
      ['/', 'no-cache'],
      ['/index.html', 'no-cache'],
      ['/widget-demo.html', 'no-cache'],
      ['/favicon.svg', 'no-cache'],
      // The browser checks it for a new version on every navigation: never answered from a cache unasked.
      ['/sw.js', 'no-cache'],
    ])('%s is cached as %s, compressed or not', async (path, cacheControl) => {
      for (const accept of ['br', 'gzip', 'identity']) {
        const response = await get(server, path, { 'accept-encoding': accept });
        expect(response.status).toBe(200);
        expect(response.headers['cache-control']).toBe(cacheControl);
      }
    });

    it('serves the service worker as JavaScript, as browsers require of a worker script', async () => {
      for (const accept of ['br', 'identity']) {
        const response = await get(server, '/sw.js', { 'accept-encoding': accept });
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toBe('application/javascript; charset=utf-8');
      }
    });

    it('lets other sites load the widget files (CORS), and only those', async () => {
      for (const path of ['/widget.js', `/${PANEL}`]) {
        const response = await get(server, path, { 'accept-encoding': 'br', origin: 'https://shop.example' });
        expect(response.headers['access-control-allow-origin']).toBe('*');
        expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
      }
      for (const path of ['/assets/index-AbCd1234.js', '/sw.js']) {
        const inbox = await get(server, path, { origin: 'https://shop.example' });
        expect(inbox.headers['access-control-allow-origin']).toBeUndefined();
      }
    });
  });

  describe('security headers', () => {
    function directives(policy: string): Map<string, string[]> {
      return new Map(
        policy
          .split(';')
          .map((part) => part.trim().split(/\s+/))
          .map(([name, ...values]) => [name!, values]),
      );
    }

    it.each([
      ['/', {}],
      ['/index.html', {}],
      ['/threads/t-1', { accept: 'text/html' }],
      ['/widget-demo.html', {}],
    ])('%s gets a strict Content-Security-Policy', async (path, headers) => {
      const response = await get(server, path, { ...headers, 'accept-encoding': 'br' });
      expect(response.status).toBe(200);
      const policy = response.headers['content-security-policy'] as string;
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      const csp = directives(policy);
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('style-src')).toEqual(["'self'"]);
      // A message's images are shown from blob: URLs the page made from fetched bytes (CONTRACT §13), nothing from elsewhere.
      expect(csp.get('img-src')).toEqual(["'self'", 'blob:']);
      const host = new URL(server.url).host;
      expect(csp.get('connect-src')).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      // The inbox's service worker (/sw.js) comes from the origin, and workers from nowhere else.
      expect(csp.get('worker-src')).toEqual(["'self'"]);
      expect(csp.get('base-uri')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('form-action')).toEqual(["'self'"]);
      expect(response.headers['referrer-policy']).toBe('same-origin');
      expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    });

    it('leaves a Host header that could smuggle a directive out of the policy', async () => {
      const smuggling = { host: "evil; script-src 'unsafe-inline'" };
      // The Host check refuses such a name outright…
      expect((await get(server, '/', smuggling)).status).toBe(421);
      // …and where every name is accepted, the name still stays out of the policy.
      const open = await startTestServer({ STATIC_DIR: dir, ALLOWED_HOSTS: '*' });
      try {
        const response = await get(open, '/', smuggling);
        expect(response.status).toBe(200);
        const policy = response.headers['content-security-policy'] as string;
        expect(policy).not.toContain('unsafe-inline');
        expect(directives(policy).get('connect-src')).toEqual(["'self'"]);
      } finally {
        await open.close();
      }
    });

    it.each([
      ['/assets/index-AbCd1234.js', 200],
      ['/widget.js', 200],
      ['/config.json', 200],
      ['/healthz', 200],
      ['/api/v1/nothing-here', 404],
      ['/api/v1/chat/threads', 401],
      ['/missing.js', 404],
    ])('%s says nosniff (status %i)', async (path, status) => {
      const response = await get(server, path);
      expect(response.status).toBe(status);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    });

    it('puts no page policy on scripts (the widget runs on other sites)', async () => {
      const response = await get(server, '/widget.js');
      expect(response.headers['content-security-policy']).toBeUndefined();
    });
  });

  describe('/config.json', () => {
    it('answers {} when the deployment has none, so the first load logs no 404', async () => {
      const response = await get(server, '/config.json');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(JSON.parse(response.body.toString())).toEqual({});
    });

    it('serves the deployment’s file, and lets the page connect to the API origin it names', async () => {
      const config = JSON.stringify({ apiBaseUrl: 'https://api.example.com/chat/' });
      writeFileSync(join(dir, 'config.json'), config);
      try {
        const response = await get(server, '/config.json');
        expect(response.status).toBe(200);
        expect(response.headers['cache-control']).toBe('no-cache');
        expect(response.body.toString()).toBe(config);
        const page = await get(server, '/');
        const connect = (page.headers['content-security-policy'] as string).split('; ').find((part) => part.startsWith('connect-src'));
        expect(connect).toContain(' https://api.example.com ');
        expect(connect).toMatch(/ wss:\/\/api\.example\.com$/);
      } finally {
        rmSync(join(dir, 'config.json'));
      }
      const after = await get(server, '/');
      expect(after.headers['content-security-policy']).not.toContain('api.example.com');
    });

    it('answers {} without a built client too', async () => {
      const bare = await startTestServer();
      try {
        const response = await get(bare, '/config.json');
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body.toString())).toEqual({});
      } finally {
        await bare.close();
      }
    });
  });
});
