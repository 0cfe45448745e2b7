import type { DeliverableNotification, DeliveryOutcome, PushChannel } from '../../src/notifications/delivery-channels.ts';

/**
 * A push channel for server processes a test starts as children (`NOTIFY_TEST_PUSH_URL`): it
 * POSTs each item it is handed, with the process id, to the test's receiver and reports `sent`
 * on a 2xx, `retry` otherwise. A receiver that never answers holds the delivery in flight,
 * so that the test can kill the process mid-delivery.
 */
export class ForwardingPush implements PushChannel {
  constructor(private readonly url: string) {}

  async deliver(item: DeliverableNotification): Promise<DeliveryOutcome> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pid: process.pid, item }),
      });
      return response.ok ? 'sent' : 'retry';
    } catch {
      return 'retry';
    }
  }
}
