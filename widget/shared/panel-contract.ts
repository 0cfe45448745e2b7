import type { VisitorIdentity, checkIdentify } from './identify-options.ts';
import type { WidgetEventMap, WidgetEventName } from './widget-events.ts';
import type { OptionFlaw, WidgetOptions } from './widget-options.ts';
import type { forgetVisitor } from '../panel/forget-visitor.ts';

/**
 * Layout split: the loader positions and sizes `container` (a floating card, full-screen
 * under 640 px, above everything at the configured z-index). On phones the panel keeps the
 * composer above the on-screen keyboard by setting {@link VIEWPORT_HEIGHT_PROPERTY} on the
 * container (from `visualViewport`); the loader's CSS uses it for the container's height.
 */
export const VIEWPORT_HEIGHT_PROPERTY = '--ama2-viewport-height';

/** What the loader gives the panel when it mounts it. */
export interface PanelHost {
  /** The element (inside the widget's shadow root) the panel renders into. */
  container: HTMLElement;
  /** The shadow root, for installing the panel's stylesheet with `adoptedStyleSheets`. */
  shadowRoot: ShadowRoot;
  options: WidgetOptions;
  /** Set by `AMA2Chat.identify()` (validated) before the panel loaded, if it was called. */
  identity: VisitorIdentity | null;
  emit<K extends WidgetEventName>(event: K, payload: WidgetEventMap[K]): void;
  /** The launcher shows this count while the panel is closed. */
  setUnread(count: number): void;
  /** The panel asks to close (Esc, its close button): the loader hides it and returns focus. */
  requestClose(): void;
  /** The panel asks to open (the visitor clicked a reply's preview): as `AMA2Chat.open()`. */
  requestOpen(): void;
}

/** What the loader can ask of a mounted panel. */
export interface PanelController {
  /** Shown: move focus into the panel. */
  opened(): void;
  /** Hidden. */
  closed(): void;
  /** `AMA2Chat.identify()`, already validated: an email and/or the site's identity token. */
  identify(identity: VisitorIdentity): void;
  newConversation(): void;
  /** `AMA2Chat.reset()`: forget the visitor on this device and start fresh. */
  reset(): void;
  destroy(): void;
}

export type MountPanel = (host: PanelHost) => PanelController;

/**
 * The panel module's exports. Besides the panel, the checks that can wait (the words for
 * bad options, `identify()` validation, each from a chunk of its own) live here rather than in
 * the loader, which stays small.
 */
export interface PanelModule {
  mountPanel: MountPanel;
  /** `identify()` checked (its words warned, an unusable call reported): the identity to use, or null. */
  checkIdentify(...args: Parameters<typeof checkIdentify>): Promise<ReturnType<typeof checkIdentify>>;
  /**
   * Warns about bad options in words and reports each as an `invalid_option` error; the words
   * load then, from a chunk of their own (option-flaws.ts).
   */
  reportOptionFlaws(dataset: DOMStringMap, flaws: readonly OptionFlaw[], emit: PanelHost['emit']): Promise<void>;
  /** `AMA2Chat.reset()` before the panel mounted: forget the stored visitor and revoke their token. */
  forgetVisitor: typeof forgetVisitor;
}
