import type { InboxClient } from '../core/engine/create-inbox-engine.ts';
import { NotificationCenter } from '../core/notifications/notification-center.ts';

/** One center per signed-in client (it joins the tab hub's `notices` topic, which a hub allows once). */
const centers = new WeakMap<InboxClient, NotificationCenter>();

/** The client's notification center, made on first use (the bell starts it, in an effect); it lives as long as the client. */
export function notificationCenterOf(client: InboxClient): NotificationCenter {
  let center = centers.get(client);
  if (!center) {
    center = new NotificationCenter({ api: client.api, connection: client.connection, hub: client.tabs.hub });
    centers.set(client, center);
  }
  return center;
}
