import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/** The run's nats-server URL (see nats-global-setup.ts), or null when NATS tests are skipped. */
export const natsUrl: string | null = inject('natsUrl');

/** A subject org of its own, so that test clusters on the shared nats-server never hear each other. */
export const uniqueOrg = () => `test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
