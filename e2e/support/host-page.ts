/**
 * A customer's website for the widget specs and the widget benchmark: a tiny node:http
 * server on 127.0.0.1 (another origin than the chat server on localhost) that serves host
 * pages under a strict Content-Security-Policy, with no inline script or style at all:
 *
 * - `/assets/hostile.css`: a stylesheet that tries to break any widget (every font 40 px,
 *   every button hidden, a top-most fixed overlay over part of the page);
 * - `/assets/watch.js`: records `securitypolicyviolation` events in `window.__cspViolations`
 *   (and logs them), so a spec can read what the browser blocked;
 * - `/assets/stub-<id>.js`: the documented one-line `AMA2Chat` stub plus calls made before
 *   widget.js loads (`on('ready')`, `on('error')`, `identify()`); with `signedIdentity`, the
 *   site's backend signs a fresh identity token into it on every request, as a real site
 *   renders it for its signed-in customer (README "Identity verification");
 * - `/p/<id>`: a page registered with {@link HostPageServer.page}.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, type Page } from '@playwright/test';

/** The chat server of the Playwright config (see playwright.config.ts). */
const CHAT_ORIGIN = `http://localhost:${process.env.E2E_PORT ?? 8799}`;

/**
 * The policy the brief asks for: only the host itself and the chat server (http and ws), and
 * `blob:` images (the chat's image files, fetched with the visitor token; README's widget CSP).
 */
function strictCsp(chatOrigin: string): string {
  const ws = chatOrigin.replace(/^http/, 'ws');
  return `default-src 'self'; script-src 'self' ${chatOrigin}; style-src 'self'; img-src 'self' blob:; connect-src ${chatOrigin} ${ws}`;
}

export interface HostPageSpec {
  /** The chat server the script tag points at. Default: {@link CHAT_ORIGIN}. */
  chatOrigin?: string;
  /** `data-` attributes of the script tag (without `data-`). Default `{ agent: 'demo' }`; null: no script tag at all. */
  widget?: Record<string, string> | null;
  /** The hostile stylesheet (default true). */
  hostileCss?: boolean;
  /** The top-most fixed overlay over the upper left of the page (default true). */
  overlay?: boolean;
  /** Define the stub and queue these calls before widget.js loads (the stub also records `error` events). */
  stub?: { identify?: { email?: string; name?: string; identity_token?: string } } | null;
  /**
   * The site's signed-in customer: the stub calls `identify({ identity_token, email, name })`
   * with a token the host backend signs (HS256, {@link HostPageServer.identitySecret}) for this `sub`.
   */
  signedIdentity?: { sub: string; email?: string; name?: string };
  /** Send the Content-Security-Policy header (default true). */
  csp?: boolean;
}

const HOSTILE_CSS = `
* { font-size: 40px !important; }
button { display: none !important; }
.hostile-overlay {
  position: fixed;
  top: 0;
  left: 0;
  width: 50vw;
  height: 40vh;
  z-index: 2147483647;
  background: rgb(220 38 38 / 0.35);
}
`;

/** Records CSP violations for the spec; a listener on document sees those inside shadow roots too (they are composed). */
const WATCH_JS = `
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (event) {
  var record = { directive: event.effectiveDirective || event.violatedDirective, blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber, sample: event.sample };
  window.__cspViolations.push(record);
  console.error('[host page] securitypolicyviolation ' + JSON.stringify(record));
}, true);
`;

/** How long the host backend's identity tokens live (the contract allows up to 24 h). */
const IDENTITY_TOKEN_TTL_S = 10 * 60;

/**
 * Signs an identity token the way the README tells a site's backend to: HS256 over
 * base64url(header).base64url(payload) with the agent's identity secret, `node:crypto` only.
 */
export function signIdentityToken(
  secret: string,
  claims: { aud: string; sub: string; exp: number; email?: string; name?: string; iat?: number },
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** The README's stub, byte for byte, then calls made before widget.js is there. */
function stubJs(stub: NonNullable<HostPageSpec['stub']>): string {
  return [
    'window.__stub = { definedBeforeWidget: window.AMA2Chat === undefined, ready: [], readyAt: null, errors: [] };',
    'window.AMA2Chat=window.AMA2Chat||new Proxy({q:[]},{get:(t,k)=>k in t?t[k]:(...a)=>t.q.push([k,a])})',
    "window.AMA2Chat.on('ready', function (payload) { window.__stub.ready.push(payload); window.__stub.readyAt = performance.now(); });",
    "window.AMA2Chat.on('error', function (payload) { window.__stub.errors.push(payload); });",
    stub.identify ? `window.AMA2Chat.identify(${JSON.stringify(stub.identify)});` : '',
    'window.__stub.queuedCalls = Array.isArray(window.AMA2Chat.q) ? window.AMA2Chat.q.length : null;',
  ].join('\n');
}

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function pageHtml(id: string, spec: HostPageSpec): string {
  const chat = spec.chatOrigin ?? CHAT_ORIGIN;
  const widget = spec.widget === undefined ? { agent: 'demo' } : spec.widget;
  const attributes = widget
    ? Object.entries(widget)
        .map(([name, value]) => ` data-${name}="${escapeAttr(value)}"`)
        .join('')
    : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Acme Gardening</title>
    ${spec.hostileCss === false ? '' : '<link rel="stylesheet" href="/assets/hostile.css" />'}
    <script src="/assets/watch.js"></script>
    ${spec.stub || spec.signedIdentity ? `<script src="/assets/stub-${id}.js"></script>` : ''}
  </head>
  <body>
    ${spec.overlay === false ? '' : '<div class="hostile-overlay" data-testid="hostile-overlay">A hostile overlay</div>'}
    <main>
      <h1>Acme Gardening</h1>
      <p>An ordinary website with the chat widget embedded.</p>
      <p><a href="#top" id="page-link">A link on the page</a></p>
      <button type="button">A page button</button>
    </main>
    ${widget ? `<script src="${chat}/widget.js"${attributes} async></script>` : ''}
  </body>
</html>
`;
}

export class HostPageServer {
  private readonly pages = new Map<string, HostPageSpec>();
  private next = 0;
  /** The agent's identity secret, known to this site's backend only (never sent to the browser). */
  identitySecret: string | null = null;

  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
  ) {}

  /** Starts the server on `port` of 127.0.0.1 (default: a free one). */
  static async start(port = 0): Promise<HostPageServer> {
    let self: HostPageServer | null = null;
    const server = http.createServer((request, response) => self!.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    self = new HostPageServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** Registers a page and returns its URL. */
  page(spec: HostPageSpec = {}): string {
    const id = String(++this.next);
    this.pages.set(id, spec);
    return `${this.origin}/p/${id}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The page's stub calls, with a freshly signed identity token when the page has a signed-in customer. */
  private withSignedIdentity(spec: HostPageSpec): NonNullable<HostPageSpec['stub']> {
    const stub = spec.stub ?? {};
    const customer = spec.signedIdentity;
    if (!customer) return stub;
    if (!this.identitySecret) throw new Error('signedIdentity needs host.identitySecret');
    const agent = (spec.widget === undefined ? { agent: 'demo' } : spec.widget)?.agent ?? 'demo';
    const exp = Math.floor(Date.now() / 1000) + IDENTITY_TOKEN_TTL_S;
    const token = signIdentityToken(this.identitySecret, {
      aud: agent,
      sub: customer.sub,
      exp,
      email: customer.email,
      name: customer.name,
    });
    return {
      ...stub,
      identify: {
        identity_token: token,
        ...(customer.email ? { email: customer.email } : {}),
        ...(customer.name ? { name: customer.name } : {}),
      },
    };
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = new URL(request.url ?? '/', this.origin).pathname;
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', ...headers });
      response.end(body);
    };
    if (path === '/assets/hostile.css') return send(200, 'text/css', HOSTILE_CSS);
    if (path === '/assets/watch.js') return send(200, 'text/javascript', WATCH_JS);
    const stub = /^\/assets\/stub-(\d+)\.js$/.exec(path);
    if (stub) {
      const spec = this.pages.get(stub[1]!);
      if (!spec || !(spec.stub || spec.signedIdentity)) return send(404, 'text/plain', 'no such stub');
      return send(200, 'text/javascript', stubJs(this.withSignedIdentity(spec)));
    }
    const page = /^\/p\/(\d+)$/.exec(path);
    const spec = page ? this.pages.get(page[1]!) : undefined;
    if (page && spec) {
      const headers: Record<string, string> =
        spec.csp === false ? {} : { 'content-security-policy': strictCsp(spec.chatOrigin ?? CHAT_ORIGIN) };
      return send(200, 'text/html', pageHtml(page[1]!, spec), headers);
    }
    if (path === '/favicon.ico') return send(204, 'text/plain', '');
    send(404, 'text/plain', 'Not found');
  }
}

// ---- what a spec watches on a host page ---------------------------------------------------

/** Console output and uncaught errors of a host page, collected from before it loads. */
export class PageWatch {
  readonly cspMessages: string[] = [];
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  readonly pageErrors: Error[] = [];

  constructor(readonly page: Page) {
    page.on('console', (message) => {
      const text = message.text();
      if (/Content[- ]Security[- ]Policy|securitypolicyviolation/i.test(text)) this.cspMessages.push(text);
      if (message.type() === 'warning') this.warnings.push(text);
      if (message.type() === 'error') this.errors.push(text);
    });
    page.on('pageerror', (error) => this.pageErrors.push(error));
  }

  /** What `watch.js` recorded from `securitypolicyviolation` events. */
  async violations(): Promise<unknown[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations?: unknown[] }).__cspViolations ?? ['watch.js did not run']);
  }

  /** No CSP violation (events or console) and no uncaught error so far. */
  async expectClean(): Promise<void> {
    expect(await this.violations(), 'securitypolicyviolation events').toEqual([]);
    expect(this.cspMessages, 'CSP messages in the console').toEqual([]);
    expect(this.pageErrors.map(String), 'uncaught errors on the page').toEqual([]);
  }
}

/** The launcher (its name carries the unread count: "Open chat (1 unread)"). */
export const launcher = (page: Page) => page.getByRole('button', { name: /^Open chat/ });

/**
 * Opens the panel with the launcher unless it is open already: an open panel stays open across
 * page loads in a tab (widget/panel/open-state), so a click after a reload would close it.
 */
export async function openPanel(page: Page): Promise<void> {
  await expect(launcher(page)).toBeVisible();
  if ((await launcher(page).getAttribute('aria-expanded')) !== 'true') await launcher(page).click();
}
/** The open panel, named after the agent. */
export const panel = (page: Page, agent = 'Demo Agent') => page.getByRole('dialog', { name: agent });
export const messageBox = (page: Page) => panel(page).getByRole('textbox', { name: 'Message' });

/** Pastes a PNG drawn in the page into the widget's message box: a real ClipboardEvent with a DataTransfer. */
export async function pasteScreenshot(page: Page, name: string, width: number, height: number): Promise<void> {
  await messageBox(page).evaluate(
    async (box, { name, width, height }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#3b82f6';
      context.fillRect(0, 0, width, height);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((made) => resolve(made!), 'image/png'));
      const data = new DataTransfer();
      data.items.add(new File([blob], name, { type: 'image/png' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
    },
    { name, width, height },
  );
}
/** The panel's message list. */
export const widgetConversation = (page: Page) => panel(page).getByRole('region', { name: 'Conversation' });

/**
 * Opens the widget and starts a conversation of a visitor labelled `email` (and `name`),
 * named by the site with `AMA2Chat.identify()`: the panel has no pre-chat form any more
 * (issue 23: a visitor writes first, and an email is asked for only when it helps; see
 * widget-first-run.spec.ts). Waits until the conversation exists.
 */
export async function startChat(page: Page, email: string, name?: string): Promise<void> {
  await openPanel(page);
  await expect(messageBox(page)).toBeVisible({ timeout: 20_000 });
  await page.evaluate(
    (who) => (window as unknown as { AMA2Chat: { identify(options: unknown): void } }).AMA2Chat.identify(who),
    name ? { email, name } : { email },
  );
  await expect.poll(async () => (await visitorRecord(page)).threadId, { timeout: 20_000 }).not.toBeNull();
  await expect(panel(page).getByRole('button', { name: 'New conversation' })).toBeVisible({ timeout: 20_000 });
}

/** Sends a message from the widget's composer with Enter. */
export async function sendFromWidget(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
  await expect(messageBox(page)).toHaveValue('');
}

/** The demo agent's reply to a plain message. */
export const demoReplyTo = (text: string) => `You said: “${text}”`;

/** How often `text` occurs in `haystack`. */
export const occurrences = (haystack: string, text: string) => haystack.split(text).length - 1;

export interface StoredVisitor {
  threadId: string | null;
  visitorToken: string | null;
  verified: boolean;
  email: string | null;
  unread: number;
}

/** The visitor record the widget keeps in localStorage for the demo agent. */
export async function visitorRecord(page: Page, chatOrigin = CHAT_ORIGIN, agent = 'demo'): Promise<StoredVisitor> {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}') as StoredVisitor, `ama2chat:${chatOrigin}:${agent}`);
}

/** The `error` events the page's stub recorded (pages with `stub` or `signedIdentity`). */
export async function widgetErrors(page: Page): Promise<{ code: string; message: string }[]> {
  return page.evaluate(() => (window as unknown as { __stub?: { errors: { code: string; message: string }[] } }).__stub?.errors ?? []);
}

/**
 * Every URL the page asked for (requests and WebSockets), from before it loads: a spec checks
 * that no visitor token ever appears in one.
 */
export function watchUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  page.on('websocket', (socket) => urls.push(socket.url()));
  return urls;
}
