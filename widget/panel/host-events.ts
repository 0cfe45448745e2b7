import type { PanelHost } from '../shared/panel-contract.ts';
import type { WidgetEventMap, WidgetEventName } from '../shared/widget-events.ts';

/** Messages already reported to the host page, remembered so a message is reported once. */
const MAX_REMEMBERED_MESSAGES = 500;

/**
 * What the panel tells the host page (the loader): its events (`error`, `unread`,
 * `message`) and the launcher's badge. Never throws: a host page's listener that throws
 * must not break the panel.
 */
export class HostEvents {
  private readonly reported = new Set<string>();

  constructor(private readonly host: PanelHost) {}

  emit<K extends WidgetEventName>(event: K, payload: WidgetEventMap[K]): void {
    try {
      this.host.emit(event, payload);
    } catch {
      // A host page's listener that throws must not break the panel.
    }
  }

  /** Tells the host page what went wrong, in a code and words. */
  report(code: string, message: string): void {
    this.emit('error', { code, message });
  }

  /** The unread count changed: the launcher's badge and the `unread` event. */
  unread(count: number): void {
    try {
      this.host.setUnread(count);
    } catch {
      // The loader's badge is its business; the count is saved for it either way.
    }
    this.emit('unread', { count });
  }

  /**
   * Another's message arrived (message id `id`): the `message` event, once per message however
   * often it is delivered. True when it was new.
   */
  message(id: string, payload: WidgetEventMap['message']): boolean {
    if (this.reported.has(id)) return false;
    this.reported.add(id);
    if (this.reported.size > MAX_REMEMBERED_MESSAGES) this.reported.delete(this.reported.values().next().value!);
    this.emit('message', payload);
    return true;
  }
}

/** An error in words for the host page. */
export function describeError(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
