import type { FastifyBaseLogger } from 'fastify';
import type { NotificationKind, NotificationLanguage } from '../../../src/core/protocol/notifications.ts';
import type { Storage } from '../storage/storage.ts';
import type { DeliverableNotification, DeliveryOutcome, EmailChannel } from './delivery-channels.ts';
import { composeEmail, kindsOf } from './email-message.ts';
import { effectiveSettings } from './notification-settings.ts';
import { PermanentMailError, type MailTransport } from './mail-transport.ts';
import type { UnsubscribeLinks } from './unsubscribe-links.ts';

/** The path of the one-click unsubscribe link (under the API prefix), for the links and the routes. */
export const UNSUBSCRIBE_PATH = '/api/v1/notifications/unsubscribe';

export interface MailChannelDeps {
  storage: Storage;
  transport: MailTransport;
  links: UnsubscribeLinks;
  /** `PUBLIC_URL`, known once the server listens. */
  publicUrl(): string;
  log: FastifyBaseLogger;
}

/** The inbox's address of a thread (its hash route, see `src/inbox-shell.tsx`). */
export const threadLink = (publicUrl: string, threadId: string) => `${publicUrl}/#/thread/${encodeURIComponent(threadId)}`;

/**
 * Email (CONTRACT §12): one email per call with every item handed over, in the user's
 * language, with a link per item to its thread and RFC 8058 one-click unsubscribe
 * (`List-Unsubscribe` + `List-Unsubscribe-Post`) for the kinds it carries. Kinds the user
 * turned off with such a link are left out (nothing is sent when none is left).
 */
export class MailChannel implements EmailChannel {
  constructor(private readonly deps: MailChannelDeps) {}

  /** The one-click link that turns `kinds`' email off for `userId`. */
  unsubscribeUrl(userId: string, kinds: NotificationKind[], language: NotificationLanguage): string {
    return `${this.deps.publicUrl()}${UNSUBSCRIBE_PATH}?token=${this.deps.links.token({ userId, kinds, language })}`;
  }

  async deliver(
    user: { id: string; name: string; email: string; language: NotificationLanguage },
    items: DeliverableNotification[],
  ): Promise<DeliveryOutcome> {
    // Email turned off since these were queued (in the settings, or by a one-click link, which writes them) is not sent.
    const settings = effectiveSettings((await this.deps.storage.notifications.settingsOf([user.id])).get(user.id));
    const wanted = items.filter((item) => settings.channels[item.notification.kind].includes('email'));
    if (wanted.length === 0) return 'nothing_to_send';
    const publicUrl = this.deps.publicUrl();
    const kinds = kindsOf(wanted);
    const content = composeEmail({
      language: user.language,
      name: user.name,
      items: wanted,
      threadLink: (item) => threadLink(publicUrl, item.notification.thread_id),
      unsubscribeLink: (only) => this.unsubscribeUrl(user.id, only, user.language),
    });
    try {
      await this.deps.transport.send({
        to: { name: user.name, address: user.email },
        ...content,
        headers: {
          'List-Unsubscribe': `<${this.unsubscribeUrl(user.id, kinds, user.language)}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          // RFC 3834: no auto-replies to it.
          'Auto-Submitted': 'auto-generated',
        },
        summary: { user_id: user.id, kinds, items: wanted.length, notification_ids: wanted.map((item) => item.notification.id) },
      });
    } catch (error) {
      // A permanent refusal (5xx) would be refused again: given up. Anything else is tried again.
      if (error instanceof PermanentMailError) return 'nothing_to_send';
      return 'retry';
    }
    return 'sent';
  }
}
