import { render } from 'preact';
import type { VisitorIdentity } from '../shared/identify-options.ts';
import type { PanelController, PanelHost } from '../shared/panel-contract.ts';
import { applyAccent, pickAccent } from './accent-color.ts';
import { activeIn, focusableIn } from './focus-trap.ts';
import { languageOf, loadStrings, type PanelStrings } from './i18n.ts';
import { PanelApp } from './panel-app.tsx';
import { announceClosed, readTabChange } from './tab-sync.ts';
import type { PanelDeps } from './panel-deps.ts';
import { followVisualViewport } from './viewport.ts';
import { VisitorSession } from './visitor-session.ts';
import { rememberOpen, storedLauncher, visitorKey } from '../shared/visitor-store.ts';

const describe = (error: unknown) => (error instanceof Error && error.message ? error.message : String(error));

/**
 * Mounts the panel into `host.container` with the given dependencies (the real ones in
 * `mountPanel`, fakes in tests) and returns what the loader drives it with. No method of
 * the controller throws: failures go to the host page as `error` events.
 */
export function createPanel(host: PanelHost, deps: PanelDeps): PanelController {
  const { container, options } = host;
  // English at once; German from its chunk, before the panel first renders (i18n.ts).
  const loading = loadStrings(options.locale);
  let strings: PanelStrings | null = loading instanceof Promise ? null : loading;
  const session = new VisitorSession(host, deps);
  const cleanups: (() => void)[] = [];
  let destroyed = false;

  const guard =
    <A extends unknown[]>(name: string, action: (...args: A) => void) =>
    (...args: A): void => {
      try {
        action(...args);
      } catch (error) {
        session.report(`${name}_failed`, describe(error));
      }
    };

  const focusInitial = () => {
    const dialog = container.querySelector<HTMLElement>('[role="dialog"]');
    if (!dialog) return;
    const active = activeIn(container);
    if (active && dialog.contains(active)) return;
    const target = dialog.querySelector<HTMLElement>('[data-autofocus]:not([disabled])') ?? focusableIn(dialog)[0] ?? dialog;
    target.focus();
  };

  /**
   * A new step of the conversation (the first run gives way to the chat, the chat to "Starting…")
   * removes the focused control, and the focus falls to the page's <body>, out of the modal
   * dialog: a keyboard user would Tab into the page. Lost focus (or focus parked on the
   * dialog itself while it started) moves to what the step is about.
   */
  const keepFocus = () => {
    const dialog = container.querySelector<HTMLElement>('[role="dialog"]');
    if (!dialog || !session.getState().open || leaveFocus) return;
    const page = container.ownerDocument;
    const lost = page.activeElement === null || page.activeElement === page.body;
    if (!lost && activeIn(container) !== dialog) return;
    (dialog.querySelector<HTMLElement>('[data-autofocus]:not([disabled])') ?? dialog).focus();
  };
  let step = session.getState().phase.kind;

  // A reply's preview above the launcher, beside the panel's frame (which is hidden while closed).
  const previewSlot = container.ownerDocument.createElement('div');
  previewSlot.className = 'ama-preview';
  previewSlot.setAttribute('aria-live', 'polite');
  container.after(previewSlot);

  // The visitor's other tabs on this site (tab-sync.ts): their read position and unread
  // count, and their closing the panel.
  const key = visitorKey(options.apiBaseUrl, options.agent);
  // The loader opened the panel again because this tab left it open (a reload): the visitor
  // is somewhere on the page, so focus stays there. (The loader's opened() for it comes in
  // this task, right after the mount; any later one is the visitor's own.)
  let restoring = storedLauncher(key)[1];
  setTimeout(() => (restoring = false), 0);
  /** Opened again by a reload: the focus stays on the page until the visitor moves it into the panel. */
  let leaveFocus = false;
  container.addEventListener('focusin', () => (leaveFocus = false));
  let closingForOtherTab = false;
  const closeForOtherTab = () => {
    if (!session.getState().open) return;
    // The loader moves the focus to the launcher; where it was on the page (not in the
    // widget), it goes back there: closing in another tab must not move this tab's focus.
    const page = container.ownerDocument;
    const focused = page.activeElement;
    const onPage = focused instanceof HTMLElement && focused !== host.shadowRoot.host && focused !== page.body;
    closingForOtherTab = true;
    try {
      host.requestClose();
    } finally {
      closingForOtherTab = false;
    }
    if (onPage) focused.focus();
  };

  // The launcher (the loader's) closes an open panel by itself: the visitor's click on it goes
  // by the session's `leave` first, like the close button and Escape (an offer to leave an email).
  const onLauncher = guard('close', (event: Event) => {
    if (!session.getState().open || !(event.target as Element).closest('.launcher')) return;
    event.stopPropagation();
    session.leave();
  });

  guard('mount', () => {
    // (It goes with the shadow root, which the loader's destroy() removes.)
    host.shadowRoot.addEventListener('click', onLauncher, true);
    applyAccent(container, pickAccent(options.themeColor, null));
    // The page's colour wins; otherwise the agent's, once its profile arrives.
    let accentFromProfile: string | null = null;
    cleanups.push(
      session.subscribe(() => {
        const profile = session.getState().profile;
        const color = profile.status === 'ready' ? (profile.profile.theme.color ?? null) : null;
        if (color !== accentFromProfile) {
          accentFromProfile = color;
          const accent = pickAccent(options.themeColor, color);
          applyAccent(container, accent);
          // The launcher (the loader's) takes the agent's colour too, when the page set none.
          if (!options.themeColor && host.shadowRoot.host instanceof HTMLElement)
            host.shadowRoot.host.style.setProperty('--ama2-accent', accent);
        }
      }),
      followVisualViewport(container),
      deps.watchStorage(
        guard('tab_sync', (change) => {
          const other = readTabChange(key, change);
          if (other?.kind === 'record') session.followOtherTab(other.record);
          else if (other?.kind === 'closed') closeForOtherTab();
          else if (other) session.startFresh();
        }),
      ),
      session.subscribe(() => {
        const next = session.getState().phase.kind;
        if (next === step) return;
        step = next;
        // After the new step has rendered.
        setTimeout(guard('focus', keepFocus), 0);
      }),
    );
    const lang = languageOf(options.locale);
    const renderPanel = (words: PanelStrings) => {
      strings = words;
      render(<PanelApp session={session} host={host} strings={words} lang={lang} />, container);
    };
    // The preview's code comes with the first reply that arrives while the panel is closed (closing-ui.ts), not with the chat.
    let previewUi: Promise<void> | null = null;
    const showPreview = () => {
      const words = strings;
      if (previewUi || !session.getState().preview || !words) return;
      previewUi = import('./closing-ui.ts')
        .then(({ ReplyPreview }) =>
          render(<ReplyPreview session={session} strings={words} onOpen={() => host.requestOpen()} />, previewSlot),
        )
        .catch((error: unknown) => {
          // Another reply tries again; the launcher's badge counts them meanwhile.
          previewUi = null;
          session.report('panel_error', describe(error));
        });
    };
    cleanups.push(session.subscribe(showPreview));
    if (strings) renderPanel(strings);
    else
      void (loading as Promise<PanelStrings>).then(
        guard('mount', (words: PanelStrings) => {
          if (destroyed) return;
          renderPanel(words);
          // Opened while the words loaded: the focus goes where opening would have put it;
          // a reply that came meanwhile gets its preview now.
          if (session.getState().open && !leaveFocus) focusInitial();
          showPreview();
        }),
      );
    session.start();
  })();

  // No `ready` here: the loader announces it once, when `AMA2Chat` is there. The panel mounts
  // later (on interest or when idle), and a second `ready` would run the page's handler twice.

  return {
    opened: guard('open', () => {
      session.setOpen(true);
      rememberOpen(key, true);
      leaveFocus = restoring;
      if (restoring) return void (restoring = false);
      focusInitial();
      // What the visitor is at may render a moment later (the composer, the email offer).
      setTimeout(guard('open', focusInitial), 0);
    }),
    closed: guard('close', () => {
      session.setOpen(false);
      rememberOpen(key, false);
      if (!closingForOtherTab) announceClosed(deps.storage, key);
    }),
    identify: guard('identify', (identity: VisitorIdentity) => session.identify(identity)),
    newConversation: guard('new_conversation', () => session.newConversation()),
    reset: guard('reset', () => session.reset()),
    destroy: guard('destroy', () => {
      destroyed = true;
      for (const cleanup of cleanups.splice(0)) cleanup();
      session.destroy();
      render(null, container);
      render(null, previewSlot);
      previewSlot.remove();
    }),
  };
}
