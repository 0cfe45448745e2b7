import type { ServerResponse } from 'node:http';
import type { AgentRuntime } from '../agents/agent-runtime.ts';
import type { AttachmentService } from '../attachments/attachment-service.ts';
import type { AccountWatch } from '../auth/account-watch.ts';
import type { UserTokens } from '../auth/tokens.ts';
import type { VisitorTokenChecker } from '../auth/visitor-token-check.ts';
import type { ServerConfig } from '../config.ts';
import type { Authenticate } from '../http/authenticate.ts';
import type { ClientAddresses } from '../http/client-address.ts';
import type { LoginThrottle } from '../http/login-throttle.ts';
import type { Limiter } from '../http/rate-limiter.ts';
import type { TokenStreams } from '../http/token-streams.ts';
import type { Hub } from '../realtime/hub.ts';
import type { AgentRecord, Storage } from '../storage/storage.ts';
import type { ThreadService } from '../threads/thread-service.ts';
import type { OwnershipService } from '../threads/ownership-service.ts';
import type { PrivacyService } from '../privacy/privacy-service.ts';
import type { AddressGuard } from '../webhooks/address-guard.ts';
import type { NotifyChannels } from '../notifications/notify-channels.ts';
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.ts';

/** What route modules need; built once in `app.ts`. */
export interface AppContext {
  config: ServerConfig;
  storage: Storage;
  tokens: UserTokens;
  hub: Hub;
  threads: ThreadService;
  /** Who owns each thread (CONTRACT §11). */
  ownership: OwnershipService;
  runtime: AgentRuntime;
  webhooks: WebhookDispatcher;
  /** Which addresses webhooks may reach; checked at registration and again when delivering. */
  webhookGuard: AddressGuard;
  authenticate: Authenticate;
  /**
   * The send route's authenticator: with a networked database it takes the user from the send
   * cache, which only a send may do (its commit checks the user again); else `authenticate`.
   */
  authenticateSend: Authenticate;
  /** Open user sessions (sockets, SSE streams), ended when their account is disabled. */
  accounts: AccountWatch;
  /** Open SSE responses, ended on shutdown. */
  streams: Set<ServerResponse>;
  /** The SSE streams each external agent token opened, ended when the token is revoked (on any process). */
  tokenStreams: TokenStreams;
  /** Called after an owner revoked an agent token, so its open streams on every process end. */
  agentTokenRevoked: (tokenId: string) => void;
  /** Called after an owner changed an agent's settings, so open public sockets on every process follow them. */
  agentSettingsChanged: (agent: AgentRecord) => Promise<void>;
  /** Each request's client address (behind trusted proxies, from X-Forwarded-For); per-address limits use its key. */
  clientAddresses: ClientAddresses;
  /** Finds the visitor behind a visitor token, refusing revoked and expired ones. */
  visitorTokens: VisitorTokenChecker;
  /** Called after visitor tokens were revoked (null: all of the visitor's), so the sockets opened with them close on every process. */
  visitorTokensRevoked: (visitorId: string, tokenHash: string | null) => void;
  limiters: { threadCreates: Limiter; messages: Limiter; socketConnects: Limiter; uploads: Limiter };
  /** Attachments (CONTRACT §13): uploads, downloads, deletion. */
  attachments: AttachmentService;
  /** Limits on `POST /auth/login`, per address and per account. */
  loginThrottle: LoginThrottle;
  /** Export and erasure of visitors (CONTRACT §14). */
  privacy: PrivacyService;
  /** Web push and email (CONTRACT §12): VAPID, the channels, action tokens, unsubscribe links. */
  notifyChannels: NotifyChannels;
}
