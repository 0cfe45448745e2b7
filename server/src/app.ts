import { PrivacyService } from './privacy/privacy-service.ts';
import { privacyRoutes } from './routes/privacy-routes.ts';
import { RetentionSweeper } from './privacy/retention-sweeper.ts';
import { ControlSocket, controlSocketPath } from './admin/control-socket.ts';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { MAX_PAYLOAD_BYTES } from '../../src/core/protocol/limits.ts';
import { AgentRuntime } from './agents/agent-runtime.ts';
import { openAttachmentBytes } from './attachments/open-attachment-bytes.ts';
import { AttachmentService } from './attachments/attachment-service.ts';
import { UnusedUploadSweeper } from './attachments/unused-upload-sweeper.ts';
import { attachmentRoutes } from './routes/attachment-routes.ts';
import type { Agent } from './agents/agent.ts';
import { DemoAgent } from './agents/demo-agent.ts';
import { AccountWatch } from './auth/account-watch.ts';
import { UserTokens } from './auth/tokens.ts';
import { VisitorTokenChecker } from './auth/visitor-token-check.ts';
import type { ServerConfig } from './config.ts';
import { createAuthenticator } from './http/authenticate.ts';
import { ClientAddresses } from './http/client-address.ts';
import { ApiError, unavailable } from './http/errors.ts';
import { frameworkAnswerOptions, installClosingAnswer } from './http/framework-answers.ts';
import { Readiness } from './http/readiness.ts';
import { formatSchemaErrors, installErrorHandling } from './http/error-handling.ts';
import { API_PREFIX, apiArea } from './http/api-area.ts';
import { installJsonBodyParser } from './http/json-body-parser.ts';
import { HostPolicy } from './http/host-policy.ts';
import { installHostCheck, refuseUpgradeForHost } from './http/host-check.ts';
import { lazyChildLoggerFactory, loggerOptions } from './http/logging.ts';
import { LoginThrottle } from './http/login-throttle.ts';
import { OriginPolicy } from './http/origin-policy.ts';
import { RATE_WINDOW_MS, RateLimiter, type Limiter } from './http/rate-limiter.ts';
import { SharedRateLimiter } from './http/shared-rate-limiter.ts';
import { installSecurityHeaders } from './http/security-headers.ts';
import { registerStaticFiles } from './http/static-files.ts';
import { TokenStreams } from './http/token-streams.ts';
import { sharedSchemas } from './http/schemas.ts';
import { createValidatorCompiler } from './http/validator-compiler.ts';
import { openRealtime, type Realtime } from './realtime/realtime.ts';
import { SocketGateway } from './realtime/socket-gateway.ts';
import { TopicEncoder } from './realtime/topic-encoder.ts';
import { agentSettingsRoutes } from './routes/agent-settings-routes.ts';
import type { AppContext } from './routes/app-context.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { eventStreamRoute } from './routes/event-stream-route.ts';
import { publicRoutes } from './routes/public-routes.ts';
import { threadRoutes } from './routes/thread-routes.ts';
import { ownershipRoutes } from './routes/ownership-routes.ts';
import { searchRoutes } from './routes/search-routes.ts';
import { webhookRoutes } from './routes/webhook-routes.ts';
import { pushRoutes } from './routes/push-routes.ts';
import { unsubscribeRoutes } from './routes/unsubscribe-routes.ts';
import { openNotifyChannels } from './notifications/notify-channels.ts';
import type { MailTransport } from './notifications/mail-transport.ts';
import { notificationRoutes } from './routes/notification-routes.ts';
import { DeliveryQueue, type DeliveryChannels, type DeliveryQueueDeps } from './notifications/delivery-queue.ts';
import { Notifier } from './notifications/notifier.ts';
import { VisitorFollowUps } from './notifications/visitor-follow-up.ts';
import { seedDemoData } from './storage/seed-demo-data.ts';
import { openStorage } from './storage/open-storage.ts';
import { SendPathCache } from './threads/send-path-cache.ts';
import { ThreadService } from './threads/thread-service.ts';
import { OwnershipService } from './threads/ownership-service.ts';
import { SnoozeWaker } from './threads/snooze-waker.ts';
import type { Storage } from './storage/storage.ts';
import { AddressGuard, type Resolver } from './webhooks/address-guard.ts';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.ts';

/** On shutdown, how long in-flight requests may take before their connections are closed. */
const CLOSE_GRACE_MS = 2_000;

export interface AppOptions {
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: DestinationStream;
  /** Seed the demo data into an empty database; `config.demoData` (the `DEMO_DATA` setting) when left out. */
  seed?: boolean;
  /** A storage to use instead of opening the configured one; it stays open when the app closes (its owner closes it). */
  storage?: Storage;
  /** How webhook and push hosts are resolved (tests inject one to rebind names); the system's DNS by default. */
  resolveHost?: Resolver;
  /** Where emails go instead of `SMTP_URL` or `.eml` files (tests). */
  mailTransport?: MailTransport;
  /** Push and email for notifications (CONTRACT §12); without them notifications stay in the app. */
  notificationChannels?: DeliveryChannels;
  /** Turns at delivering notifications (tests): see `DeliveryQueueDeps.turns`. */
  deliveryTurns?: DeliveryQueueDeps['turns'];
}

export interface App {
  fastify: FastifyInstance;
  context: AppContext;
  gateway: SocketGateway;
  /** Fan-out and typing/presence: in-process, or over NATS when `NATS_URL` is set. */
  realtime: Realtime;
  /** Listens and returns the base URL (e.g. http://127.0.0.1:8787). */
  listen(): Promise<string>;
  /** Graceful shutdown: sockets get 4503, in-flight requests finish, then the database it opened closes. */
  close(): Promise<void>;
}

/** Builds the whole local server: storage, services, routes and sockets. */
export async function createApp(config: ServerConfig, options: AppOptions = {}): Promise<App> {
  // Fastify's own trustProxy stays off: it would also believe X-Forwarded-Host and -Proto, and
  // REST and both sockets must find the client address the same way.
  const clientAddresses = new ClientAddresses(config.trustProxy);
  const fastify = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream, (request) => clientAddresses.of(request)),
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: MAX_PAYLOAD_BYTES,
    schemaErrorFormatter: formatSchemaErrors,
    ...frameworkAnswerOptions,
  });
  let shuttingDown = false;
  installClosingAnswer(fastify, () => shuttingDown);
  const hosts = new HostPolicy(config.allowedHosts);
  installHostCheck(fastify, hosts);
  // NATS first: a server that cannot reach it stops before it touches the database.
  const realtime = await openRealtime(config.nats, fastify.log);
  const storage = options.storage ?? (await openStorage(config));
  if (options.seed ?? config.demoData) await seedDemoData(storage);

  const hub = realtime.hub;
  const tokens = new UserTokens(config.jwtSecret);
  const origins = new OriginPolicy(config.allowedOrigins);
  // Users' sends take account and access from a cache (a round trip each on PostgreSQL, a quarter of
  // the send's CPU on SQLite): both storages check the sender again inside the commit.
  const sendCache = new SendPathCache();
  const threads = new ThreadService(storage, hub, sendCache);
  const webhookGuard = new AddressGuard(config.webhookAllowPrivateNetworks, options.resolveHost);
  const webhooks = new WebhookDispatcher(
    storage,
    fastify.log,
    { retryBaseMs: config.webhookRetryBaseMs, leaseMs: config.webhookLeaseMs },
    webhookGuard,
  );
  threads.onCommit(
    (event, _thread, _message, facts) =>
      void webhooks
        .enqueue(event, facts?.activeWebhookIds)
        .catch((error: unknown) => fastify.log.error({ err: error }, 'webhook enqueue failed')),
  );
  const engines = new Map<string, Agent>([['demo', new DemoAgent()]]);
  const runtime = new AgentRuntime(
    storage,
    threads,
    engines,
    fastify.log,
    {
      chunkMs: config.demoAgentChunkMs,
      approvalTtlMs: config.approvalTtlMs,
      processId: randomUUID(),
      processLeaseMs: config.processLeaseMs,
    },
    realtime.control,
  );
  const ownership = new OwnershipService(storage, threads, fastify.log, runtime);
  const snoozes = new SnoozeWaker(storage, ownership, fastify.log);
  await runtime.start();
  // Several processes share one PostgreSQL database: their limits count together there. One process counts in memory.
  const makeLimiter = (name: string, limit: number, windowMs = RATE_WINDOW_MS): Limiter =>
    config.databaseUrl === null ? new RateLimiter(limit, windowMs) : new SharedRateLimiter(storage, name, limit, windowMs);
  const limiters = {
    threadCreates: makeLimiter('thread-creates', config.rateLimits.threadCreates),
    messages: makeLimiter('messages', config.rateLimits.messages),
    socketConnects: makeLimiter('socket-connects', config.rateLimits.socketConnects),
    uploads: makeLimiter('uploads', config.attachments.visitorUploadsPerMinute),
  };
  // Attachments' bytes: files beside the SQLite file; with PostgreSQL, a shared folder when set, else the database.
  const attachmentBytes = await openAttachmentBytes(storage, config.attachments);
  const attachments = new AttachmentService(storage, threads, attachmentBytes, fastify.log);
  const uploadSweeper = new UnusedUploadSweeper(storage, attachments, fastify.log, {
    ttlMs: config.attachments.unusedTtlMs,
    sweepMs: config.attachments.sweepMs,
    processId: randomUUID(),
  });
  // Privacy operations (CONTRACT §14): an erased visitor's sockets close on every process.
  const privacy = new PrivacyService(storage, threads, attachments, fastify.log, (visitorId) =>
    realtime.control.visitorTokensRevoked({ visitorId, tokenHash: null }),
  );
  // One SQLite process: `npm run admin -- erase-visitor` hands erasures to it here, so that its sockets hear of them.
  const controlPath = config.nats || config.databaseUrl !== null ? null : controlSocketPath(config);
  const controlSocket = controlPath === null ? null : new ControlSocket(controlPath, storage, privacy, fastify.log);
  const retentionSweeper = new RetentionSweeper(storage, privacy, fastify.log, {
    sweepMs: config.retentionSweepMs,
    processId: randomUUID(),
  });
  const loginThrottle = new LoginThrottle(config.loginLimits, Date.now, makeLimiter);
  const accounts = new AccountWatch(storage, fastify.log, config.accountRecheckMs);
  accounts.start();
  const tokenStreams = new TokenStreams(storage, fastify.log, config.accountRecheckMs);
  tokenStreams.start();
  // A revoked agent token's streams end on every process, this one included.
  realtime.control.onAgentTokenRevoked((tokenId) => tokenStreams.endAll(tokenId));
  const streams = new Set<ServerResponse>();
  // Links in emails: PUBLIC_URL, else this server's address once it listens (PORT may be 0).
  let listenedUrl = `http://localhost:${config.port}`;
  const notifyChannels = await openNotifyChannels({
    config,
    storage,
    runtime,
    log: fastify.log,
    publicUrl: () => config.notifyChannels.publicUrl ?? listenedUrl,
    resolveHost: options.resolveHost,
    transport: options.mailTransport,
  });
  // Notifications are made from the log after each commit, never inside it (CONTRACT §12).
  const notifyConfig = config.notifications;
  // Web push and email as configured; tests may hand in their own.
  const channels: DeliveryChannels = options.notificationChannels ?? { push: notifyChannels.push, email: notifyChannels.email };
  const notificationClock = () => notifyConfig.fixedClock ?? Date.now();
  const deliveries = new DeliveryQueue({
    storage,
    log: fastify.log,
    channels,
    leaseMs: notifyConfig.leaseMs,
    retryBaseMs: notifyConfig.retryBaseMs,
    clock: notificationClock,
    viewers: (threadId) => realtime.signals.viewers(threadId),
    turns: options.deliveryTurns,
  });
  // Visitors who left hear of replies they did not see (CONTRACT §12), scheduled from the notifier's batches.
  const followUps = new VisitorFollowUps({
    storage,
    log: fastify.log,
    transport: notifyChannels.transport,
    leaseMs: notifyConfig.leaseMs,
    delayMs: notifyConfig.visitorFollowUpDelayMs,
    viewers: (threadId) => realtime.signals.viewers(threadId),
    leftAt: (threadId, senderId) => realtime.signals.leftAt(threadId, senderId),
  });
  const notifier = new Notifier({
    storage,
    hub,
    log: fastify.log,
    leaseMs: notifyConfig.leaseMs,
    plan: () => ({
      push: channels.push !== undefined,
      email: channels.email !== undefined,
      now: notificationClock(),
      emailDelayMs: notifyConfig.emailDelayMs,
    }),
    queued: (userIds) => {
      for (const userId of userIds) deliveries.wake(userId);
    },
    evaluated: (events, thread) => followUps.consider(events, thread),
  });
  // NOTIFICATIONS=off (benchmarks' baseline): no rules after commits and no deliveries.
  if (notifyConfig.enabled) threads.onCommit((event) => notifier.committed(event.thread_id));
  const authenticate = createAuthenticator(storage, tokens);
  const visitorTokens = new VisitorTokenChecker(storage, config.visitorTokenIdleDays, fastify.log);
  const context: AppContext = {
    config,
    storage,
    tokens,
    hub,
    threads,
    ownership,
    runtime,
    webhooks,
    webhookGuard,
    authenticate,
    authenticateSend: createAuthenticator(storage, tokens, sendCache.userLookup(storage.users)),
    accounts,
    clientAddresses,
    limiters,
    loginThrottle,
    streams,
    tokenStreams,
    // Every process (this one included) re-checks its own public sockets of the agent.
    agentSettingsChanged: async (agent) => realtime.control.agentSettingsChanged(agent.id),
    agentTokenRevoked: (tokenId) => realtime.control.agentTokenRevoked(tokenId),
    visitorTokens,
    // Every process (this one included) closes the sockets opened with them.
    visitorTokensRevoked: (visitorId, tokenHash) => realtime.control.visitorTokensRevoked({ visitorId, tokenHash }),
    notifyChannels,
    attachments,
    privacy,
  };
  const gateway = new SocketGateway({
    storage,
    tokens,
    origins,
    threads,
    hub,
    signals: realtime.signals,
    log: fastify.log,
    heartbeatMs: config.heartbeatMs,
    clientAddresses,
    socketLimiter: limiters.socketConnects,
    messageLimiter: limiters.messages,
    accounts,
    publicIdleTimeoutMs: config.publicIdleTimeoutMs,
    visitorTokens,
    tokenStreams,
    topics: new TopicEncoder(config.org),
  });
  realtime.control.onVisitorTokensRevoked(({ visitorId, tokenHash }) => gateway.closeRevoked(visitorId, tokenHash));
  realtime.control.onAgentSettingsChanged((agentId) => {
    void (async () => {
      const agent = await storage.agents.get(agentId);
      if (agent) await gateway.enforceAgentSettings(agent);
    })().catch((error: unknown) => fastify.log.error({ err: error, agent_id: agentId }, 'public sockets not re-checked'));
  });
  fastify.server.on('upgrade', (request, socket, head) => {
    if (hosts.allows(request.headers.host)) gateway.handleUpgrade(request, socket, head);
    else refuseUpgradeForHost(socket, hosts.refusal(request.headers.host));
  });
  // Frames from other processes were missed while NATS was away: every live reader reconnects
  // and catches up by thread_seq (sockets get 4503, SSE streams end and resume with Last-Event-ID).
  realtime.onInterrupted(() => {
    fastify.log.warn('live updates from other processes may have been missed; asking clients to catch up');
    gateway.resetAll();
    for (const stream of streams) stream.end();
  });

  for (const schema of sharedSchemas) fastify.addSchema(schema);
  installErrorHandling(fastify, MAX_PAYLOAD_BYTES);
  installSecurityHeaders(fastify);
  // Bodies are JSON only (CONTRACT: a text/plain body gets "send the body as JSON", not a schema error).
  fastify.removeContentTypeParser('text/plain');
  installJsonBodyParser(fastify);
  fastify.setValidatorCompiler(createValidatorCompiler());

  // The widget runs on customers' sites: public endpoints answer CORS for any origin (each agent's
  // allowed_origins is enforced by the routes, with a readable 403), never in credentials mode.
  // `authorization` carries the visitor token.
  const publicCors = {
    origin: true,
    credentials: false,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization'],
    maxAge: 600,
  };
  const listedCors = {
    origin: true,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'last-event-id'],
    maxAge: 600,
  };
  const noCors = { origin: false };
  await fastify.register(cors, {
    delegator: (request, callback) => {
      const origin = request.headers.origin;
      if (!origin) callback(null, noCors);
      else if (apiArea(request) === 'public') callback(null, publicCors);
      else callback(null, origins.isListed(origin) ? listedCors : noCors);
    },
  });

  // Credentialed calls from a foreign page are refused outright (CONTRACT §1). Judged on the
  // route the router matched, not the raw URL: the router decodes it (`/%61pi/v1/me`).
  fastify.addHook('onRequest', async (request) => {
    if (apiArea(request) !== 'credentialed' || request.method === 'OPTIONS') return;
    if (!origins.allowsCredentialed(request.headers.origin, request.headers.host)) {
      throw new ApiError('forbidden', `Requests from ${request.headers.origin} are not allowed; add it to ALLOWED_ORIGINS.`);
    }
  });

  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'AMA2-compatible thread runtime (local server)',
        version: '1.0.0',
        description:
          'REST API of the local server. WebSockets: /api/v1/chat/ws/user/threads and /api/v1/chat/ws/public/{slug}/threads/{thread_id}; see CONTRACT.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    hideUntagged: true,
  });

  await fastify.register(
    async (api) => {
      authRoutes(api, context);
      agentSettingsRoutes(api, context);
      threadRoutes(api, context);
      ownershipRoutes(api, context);
      searchRoutes(api, context);
      eventStreamRoute(api, context);
      publicRoutes(api, context);
      webhookRoutes(api, context);
      pushRoutes(api, context);
      unsubscribeRoutes(api, context);
      notificationRoutes(api, context);
      attachmentRoutes(api, context);
      privacyRoutes(api, context);
      api.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());
    },
    { prefix: API_PREFIX },
  );

  // Alive: the process answers. Ready: it can serve (database and NATS reachable); balancers route by /readyz.
  fastify.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  const readiness = new Readiness({ pingDatabase: () => storage.ping(), liveConnected: () => realtime.connected() });
  fastify.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const verdict = await readiness.check();
    if (verdict.ready) return { status: 'ready' };
    const answer = unavailable(`Not ready: ${verdict.reason}`);
    return reply.code(503).header('retry-after', String(answer.retryAfterSeconds)).send(answer.toBody());
  });

  const hasClient = await registerStaticFiles(fastify, config.staticDir);
  fastify.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) {
      return reply
        .code(404)
        .send(new ApiError('not_found', `There is no ${request.method} ${request.url.split('?')[0]} endpoint.`).toBody());
    }
    if (request.method === 'GET' && hasClient && request.headers.accept?.includes('text/html')) {
      return reply.sendFile('index.html');
    }
    if (request.method === 'GET' && (request.url === '/' || request.url.startsWith('/?')) && !hasClient) {
      return reply.type('text/plain; charset=utf-8').send('The inbox is not built yet: run "npm run build", then restart the server.');
    }
    return reply.code(404).send(new ApiError('not_found', `There is no ${request.url.split('?')[0]} here.`).toBody());
  });

  let closing: Promise<void> | undefined;
  return {
    fastify,
    context,
    gateway,
    realtime,
    async listen() {
      const url = await fastify.listen({ port: config.port, host: config.host });
      const address = fastify.server.address();
      if (typeof address === 'object' && address) listenedUrl = `http://localhost:${address.port}`;
      notifyChannels.start();
      // Serving: take up what other processes (or this one before a restart) left undelivered.
      webhooks.start();
      snoozes.start();
      uploadSweeper.start();
      retentionSweeper.start();
      await controlSocket?.start();
      if (notifyConfig.enabled) {
        notifier.start();
        deliveries.start();
        followUps.start();
      }
      return url;
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        const controlSocketStopped = controlSocket?.stop();
        gateway.closeAll();
        accounts.stop();
        tokenStreams.stop();
        // Stopping releases the process's and the subscriptions' leases, so the storage must still be open after it.
        const runtimeStopped = runtime.stop();
        const webhooksStopped = webhooks.stop();
        const snoozesStopped = snoozes.stop();
        const uploadSweeperStopped = uploadSweeper.stop();
        const retentionSweeperStopped = retentionSweeper.stop();
        const followUpsStopped = followUps.stop();
        notifyChannels.stop();
        const notifierStopped = notifier.stop();
        const deliveriesStopped = deliveries.stop();
        for (const stream of streams) stream.end();
        // Node waits for every open connection, also one a client opened and never used (browsers
        // preconnect), which would hold the close open forever: in-flight requests get a moment, then
        // whatever is left is closed.
        const stragglers = setTimeout(() => fastify.server.closeAllConnections(), CLOSE_GRACE_MS);
        await fastify.close().finally(() => clearTimeout(stragglers));
        await webhooksStopped;
        await snoozesStopped;
        await uploadSweeperStopped;
        await retentionSweeperStopped;
        await notifierStopped;
        await deliveriesStopped;
        await followUpsStopped;
        await runtimeStopped;
        await controlSocketStopped;
        await realtime.close();
        for (const limiter of Object.values(limiters)) limiter.dispose();
        loginThrottle.dispose();
        if (!options.storage) await storage.close();
      })();
      return closing;
    },
  };
}
