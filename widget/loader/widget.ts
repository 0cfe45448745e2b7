/**
 * widget.js — the script tag websites paste. No framework: it puts a launcher button in a
 * Shadow DOM root, restores the unread badge, exposes `window.AMA2Chat`, and loads the
 * chat panel only on the visitor's first hover, focus or click, or when the browser is idle.
 * With `data-consent="required"` (CONTRACT §14) it draws the launcher and nothing else: no
 * request to the chat server and no storage read or write until the visitor opens the chat
 * or the page calls `AMA2Chat.consent()`; from then on it runs as without the attribute.
 *
 * Calls made before this script ran are replayed from the documented one-line stub:
 *   window.AMA2Chat=window.AMA2Chat||new Proxy({q:[]},{get:(t,k)=>k in t?t[k]:(...a)=>t.q.push([k,a])})
 */
import type { PanelController, PanelHost, PanelModule } from '../shared/panel-contract.ts';
import { storedLauncher, visitorKey } from '../shared/visitor-store.ts';
import { WIDGET_EVENTS, type WidgetEventMap, type WidgetEventName } from '../shared/widget-events.ts';
import { readOptions, type OptionFlaw, type WidgetOptions } from '../shared/widget-options.ts';
import LOADER_CSS from './loader.css?inline';

/** If the browser never goes idle, the panel is fetched after this long anyway. */
const IDLE_TIMEOUT_MS = 4_000;
/** The panel's content-hashed file name (`widget-panel-<hash>.js`), injected by the build (vite.widget.config.ts). */
declare const __WIDGET_PANEL_FILE__: string;
const PANEL_FILE = __WIDGET_PANEL_FILE__;

type Listener = (payload: unknown) => void;
type Queued = [string, unknown[]];

interface Api {
  open(): void;
  close(): void;
  toggle(): void;
  /** Who the visitor is, as the site knows them: `{ email?, name?, identity_token? }` (at least an email or a token). */
  identify(identity: { email?: string; name?: string; identity_token?: string }): void;
  newConversation(): void;
  /** The visitor agreed (consent mode): the widget may now reach the chat server and use storage. */
  consent(): void;
  /** Forget the visitor on this device (a site's sign-out): stored conversation and token, revoked on the server; the panel starts fresh. */
  reset(): void;
  on<K extends WidgetEventName>(event: K, listener: (payload: WidgetEventMap[K]) => void): void;
  off<K extends WidgetEventName>(event: K, listener: (payload: WidgetEventMap[K]) => void): void;
  destroy(): void;
}

declare global {
  interface Window {
    AMA2Chat?: Api | { q?: Queued[] };
  }
}

/** A warning in the page's console, marked as ours. */
const warn = (text: string) => console.warn(`[AMA2Chat] ${text}`);

/**
 * The panel's module, fetched once (again after a failure). Besides the panel it has the
 * checks that can wait, so the loader stays small: the words for bad options (from a chunk of
 * their own) and the validation of `identify()`.
 */
function panelModule(base: string | null): () => Promise<PanelModule> {
  let module: Promise<PanelModule> | null = null;
  return () =>
    (module ??= Promise.resolve()
      // (A base that is no URL rejects too.)
      .then(() => import(/* @vite-ignore */ new URL(PANEL_FILE, base ?? undefined).href))
      .catch((error: unknown) => {
        module = null;
        throw error;
      }));
}

/**
 * Warns about each bad option in words (from the panel's module), and reports them as
 * `invalid_option` errors (also when the widget could not start: its `on()` still works).
 */
function reportFlaws(load: () => Promise<PanelModule>, dataset: DOMStringMap, flaws: OptionFlaw[]): void {
  if (!flaws.length) return;
  load().then(
    (module) => module.reportOptionFlaws(dataset, flaws, emit),
    () => warn(`Wrong options: ${flaws}`),
  );
}

// The page's event listeners (this script runs once per page: one widget, one set).
const listeners = new Map<string, Set<Listener>>();

function emit<K extends WidgetEventName>(event: K, payload: WidgetEventMap[K]): void {
  for (const listener of listeners.get(event) ?? []) {
    try {
      listener(payload);
    } catch (error) {
      // A host page's listener must not break the widget (nor the other listeners): its error
      // goes to the console and the page's error handlers as an uncaught one would.
      reportError(error);
    }
  }
}

function on(event: string, listener: Listener): void {
  if (!WIDGET_EVENTS.includes(event as WidgetEventName) || typeof listener !== 'function') {
    warn(`on(): unknown event "${String(event)}"`);
    return;
  }
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(listener);
}

function start(script: HTMLScriptElement | null): void {
  const previous = window.AMA2Chat;
  // The stub's queue (a second copy of this script finds the API instead: nothing queued).
  const stubbed = (previous as { q?: unknown } | undefined)?.q;
  const queued = Array.isArray(stubbed) ? (stubbed as Queued[]) : [];
  const dataset = script?.dataset ?? {};
  const { options, flaws } = readOptions(dataset, script?.src ?? null, navigator.language);
  // Said here at once: the words (with the panel's module) come only after consent.
  if (flaws.includes('consent')) warn('data-consent must be "required"; consent is required.');
  if (!options) {
    // Not started: the panel's module is fetched only to say what is wrong (when it can be found,
    // and never for a page that asks for consent first).
    if (dataset.consent === undefined) reportFlaws(panelModule(script?.src || dataset.apiBase || null), dataset, flaws);
    else warn(`Wrong options: ${flaws}`);
    const disabled = () => warn('The widget is not configured (see above).');
    // Every method but on() (open, identify, consent, destroy, …) only says so.
    window.AMA2Chat = new Proxy({}, { get: (_, method) => (method == 'on' ? on : disabled) }) as Api;
    return;
  }
  const load = panelModule(script?.src ?? `${options.apiBaseUrl}/widget.js`);
  mount(options, load, queued, () => reportFlaws(load, dataset, flaws));
}

function mount(options: WidgetOptions, loadPanelModule: () => Promise<PanelModule>, queued: Queued[], reportOptionFlaws: () => void): void {
  let consent!: () => void;
  /**
   * Settled at once, or in consent mode when the visitor opens the chat or the page calls
   * `consent()`. Everything that reaches the chat server or storage waits for it (the panel's
   * module is fetched only through it).
   */
  const consented = new Promise<void>((resolve) => (consent = resolve));
  if (!options.consent) consent();
  const loadModule = () => consented.then(loadPanelModule);

  const host = document.createElement('div');
  // `data-ama2-chat` marks the host; the stylesheet reads the corner and the theme (dark, or
  // for auto prefers-color-scheme) from the others.
  Object.assign(host.dataset, { ama2Chat: '', position: options.position, theme: options.theme });
  host.style.setProperty('--ama2-z', `${options.zIndex}`);
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(LOADER_CSS);
  root.adoptedStyleSheets = [sheet];
  if (options.themeColor) host.style.setProperty('--ama2-accent', options.themeColor);

  const launcher = document.createElement('button');
  // (No `type`: in the shadow root no form of the page can own the launcher.)
  launcher.className = 'launcher';
  // (Its name, with the unread count, is set by setUnread below; aria-expanded by show.)
  launcher.setAttribute('aria-controls', 'ama2-panel');
  const badge = document.createElement('span');
  badge.className = 'badge';
  launcher.append(badge);
  const panel = document.createElement('div');
  panel.className = 'panel';
  panel.id = 'ama2-panel';
  root.append(panel, launcher);

  let isOpen = false;
  const show = (open: boolean) => {
    isOpen = open;
    panel.hidden = !open;
    host.toggleAttribute('data-open', open);
    // (ARIA reflection: sets the attribute.)
    launcher.ariaExpanded = `${open}`;
  };
  show(false);

  const setUnread = (count: number) => {
    badge.hidden = count <= 0;
    badge.textContent = count > 99 ? '99+' : `${count}`;
    launcher.ariaLabel = count > 0 ? `Open chat (${count} unread)` : 'Open chat';
  };
  setUnread(0);

  let controller: PanelController | null = null;
  let loading: Promise<PanelController | null> | null = null;
  let identity: PanelHost['identity'] = null;
  /**
   * The `identify()` calls, each checked in turn by the panel's module (its checks load with
   * the first call), then applied; the panel mounts after the ones made before it.
   */
  let identified: Promise<void> = consented;
  let destroyed = false;

  const load = (): Promise<PanelController | null> => {
    loading ??= loadModule()
      // Identities given before the panel mounts go in with it.
      .then((module) => identified.then(() => module))
      .then((module) => {
        if (destroyed) return null;
        // A notice from an earlier failed attempt goes: the panel takes its place.
        panel.replaceChildren();
        controller = module.mountPanel({
          container: panel,
          shadowRoot: root,
          options,
          identity,
          emit,
          setUnread,
          requestClose: () => api.close(),
          requestOpen: () => api.open(),
        });
        return controller;
      })
      .catch((error: unknown) => {
        loading = null;
        const notice = document.createElement('p');
        notice.className = 'notice';
        notice.textContent = 'The chat could not be loaded. Check your connection and try again.';
        panel.replaceChildren(notice);
        emit('error', { code: 'panel_load_failed', message: `${error}` });
        return null;
      });
    return loading;
  };

  const api: Api = {
    open() {
      // Opening is the visitor's choice (or the page's, on their behalf): consent.
      api.consent();
      if (destroyed || isOpen) return;
      show(true);
      setUnread(0);
      emit('open', {});
      void load().then((loaded) => {
        if (isOpen) loaded?.opened();
      });
    },
    close() {
      if (!isOpen) return;
      show(false);
      controller?.closed();
      launcher.focus();
      emit('close', {});
    },
    toggle() {
      if (isOpen) api.close();
      else api.open();
    },
    identify(next) {
      identified = identified
        .then(loadModule)
        .then((module) => module.checkIdentify(next, emit))
        .then(
          (valid) => {
            if (valid) {
              identity = valid;
              controller?.identify(valid);
            }
          },
          () => undefined,
        );
    },
    newConversation() {
      void load().then((loaded) => loaded?.newConversation());
    },
    reset() {
      identity = null;
      loadModule().then(
        (module) => module.forgetVisitor(options, emit, controller, setUnread),
        () => undefined,
      );
    },
    consent,
    on: on as Api['on'],
    off(event, listener) {
      listeners.get(event)?.delete(listener as Listener);
    },
    destroy() {
      destroyed = true;
      controller?.destroy();
      host.remove();
      if (window.AMA2Chat === api) delete window.AMA2Chat;
    },
  };

  // (Handler properties: the launcher is ours alone, and they are shorter.)
  launcher.onclick = () => api.toggle();
  // Fetch the panel as soon as the visitor shows interest, so opening feels instant (in consent
  // mode, `load` waits for consent: a hover is no choice).
  const warm = () => void load();
  // (Again later is harmless: `load` fetches once.)
  launcher.onpointerenter = launcher.onfocus = warm;
  const idle = (window as { requestIdleCallback?: (callback: () => void, options: { timeout: number }) => number }).requestIdleCallback;
  if (idle) idle(warm, { timeout: IDLE_TIMEOUT_MS });
  else setTimeout(warm, IDLE_TIMEOUT_MS);

  window.AMA2Chat = api;
  const attach = () => {
    document.body.append(host);
    for (const [method, args] of queued) {
      const call = (api as unknown as Record<string, ((...values: unknown[]) => void) | undefined>)[method];
      if (typeof call === 'function') call(...args);
      else warn(`"${method}" is not a method of AMA2Chat.`);
    }
    emit('ready', { agent: options.agent });
    const consentedStart = () => {
      reportOptionFlaws();
      // The stored unread count, and whether this tab left the panel open (a reload mid-conversation stays open).
      const [unread, reopen] = storedLauncher(visitorKey(options.apiBaseUrl, options.agent));
      if (!isOpen) setUnread(unread);
      // Open as the page asks, as this tab left it, or on a follow-up email's link (CONTRACT §12:
      // the panel spends it and takes it off the address bar; `location` reads as its address,
      // whose fragment the link starts, as a website_url has none). In consent mode all of this
      // waits: a link's fragment stays in the address bar until the visitor opens the chat.
      if (options.openOnLoad || reopen || /#ama2_resume=/.test(location as unknown as string)) api.open();
    };
    // Without consent mode at once: a reload mid-conversation puts the launcher on the page already
    // open (no closed frame first); with it, after consent.
    if (options.consent) void consented.then(consentedStart);
    else consentedStart();
  };
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach);
}

try {
  start(document.currentScript as HTMLScriptElement | null);
} catch (error) {
  // The host page never sees an uncaught error from us.
  warn(`The widget could not start: ${error}`);
}
