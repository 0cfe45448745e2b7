import type { FastifyBaseLogger } from 'fastify';
import type { AgentRuntime } from '../agents/agent-runtime.ts';
import type { ServerConfig } from '../config.ts';
import type { Storage } from '../storage/storage.ts';
import { AddressGuard, type Resolver } from '../webhooks/address-guard.ts';
import { ApprovalActionTokens } from './approval-action-tokens.ts';
import { MailChannel } from './email-channel.ts';
import { createMailTransport, type MailTransport } from './mail-transport.ts';
import { UnsubscribeLinks } from './unsubscribe-links.ts';
import { resolveVapidKeys } from './vapid-keys.ts';
import { WebPushChannel } from './web-push-channel.ts';

/** How often expired action tokens are forgotten. */
export const ACTION_TOKEN_PRUNE_INTERVAL_MS = 60 * 60_000;

/** The push and email channels and what their routes need (CONTRACT §12). */
export interface NotifyChannels {
  vapidPublicKey: string;
  /** §8's network rules for push endpoints (private networks only with `PUSH_ALLOW_INSECURE_ENDPOINTS`). */
  guard: AddressGuard;
  allowInsecure: boolean;
  actionTokens: ApprovalActionTokens;
  push: WebPushChannel;
  email: MailChannel;
  unsubscribeLinks: UnsubscribeLinks;
  /** The mailer (SMTP or `.eml` files), also for visitor follow-ups. */
  transport: MailTransport;
  /** Starts the periodic pruning of expired action tokens. */
  start(): void;
  stop(): void;
}

export interface NotifyChannelDeps {
  config: ServerConfig;
  storage: Storage;
  runtime: Pick<AgentRuntime, 'decide'>;
  log: FastifyBaseLogger;
  /** `PUBLIC_URL`, or the address listened on once known. */
  publicUrl(): string;
  resolveHost?: Resolver;
  /** A transport to use instead of the configured one (tests). */
  transport?: MailTransport;
}

/** Builds the push and email channels: the VAPID keys (configured, or kept in the database), the sender, the mailer. */
export async function openNotifyChannels(deps: NotifyChannelDeps): Promise<NotifyChannels> {
  const { config, storage, log } = deps;
  const settings = config.notifyChannels;
  const vapid = await resolveVapidKeys(settings, storage);
  const guard = new AddressGuard(settings.pushAllowInsecureEndpoints, deps.resolveHost, 'push endpoints');
  const actionTokens = new ApprovalActionTokens(storage, deps.runtime);
  const push = new WebPushChannel({ storage, vapid, subject: settings.vapidSubject, guard, tokens: actionTokens, log });
  const transport = deps.transport ?? createMailTransport(settings, log);
  const unsubscribeLinks = new UnsubscribeLinks(config.jwtSecret);
  const email = new MailChannel({ storage, transport, links: unsubscribeLinks, publicUrl: deps.publicUrl, log });
  let pruner: NodeJS.Timeout | undefined;
  return {
    vapidPublicKey: vapid.publicKey,
    guard,
    allowInsecure: settings.pushAllowInsecureEndpoints,
    actionTokens,
    push,
    email,
    unsubscribeLinks,
    transport,
    start() {
      pruner = setInterval(() => {
        actionTokens.prune(new Date()).catch((error: unknown) => log.warn({ err: error }, 'action token pruning failed'));
      }, ACTION_TOKEN_PRUNE_INTERVAL_MS);
      pruner.unref();
    },
    stop() {
      clearInterval(pruner);
      push.stop();
      transport.close();
    },
  };
}
