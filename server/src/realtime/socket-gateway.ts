import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, MAX_PAYLOAD_BYTES } from '../../../src/core/protocol/limits.ts';
import type { AccountWatch } from '../auth/account-watch.ts';
import { AGENT_TOKEN_PREFIX, hashAgentToken, type UserTokens } from '../auth/tokens.ts';
import type { TokenStreams } from '../http/token-streams.ts';
import type { VisitorTokenChecker } from '../auth/visitor-token-check.ts';
import { isOriginAllowed } from '../http/allowed-origins.ts';
import { addressRateKey, normalizeAddress, type ClientAddresses } from '../http/client-address.ts';
import { ApiError, badRequest, unavailable } from '../http/errors.ts';
import { writeRawError } from '../http/raw-answers.ts';
import { isStorageUnavailable } from '../storage/storage-unavailable.ts';
import type { OriginPolicy } from '../http/origin-policy.ts';
import type { Limiter } from '../http/rate-limiter.ts';
import { redactUrl } from '../http/logging.ts';
import { isEmail, isSlug, isUuid, normalizeEmail } from '../http/validation.ts';
import type { AgentRecord, Storage } from '../storage/storage.ts';
import { VISITOR_DEFAULT_NAME, agentSenderId, userSenderId, visitorSenderId, type Principal } from '../threads/principal.ts';
import { SocketConnection, type ConnectionDeps } from './socket-connection.ts';

const USER_PATH = '/api/v1/chat/ws/user/threads';
/** The agent socket (CONTRACT §15): an external agent's topic subscriptions, its token as the `auth` subprotocol. */
const AGENT_PATH = '/api/v1/chat/ws/agent';
const PUBLIC_PATH = /^\/api\/v1\/chat\/ws\/public\/([^/]+)\/threads\/([^/]+)$/;
/** The subprotocol that carries a token: `Sec-WebSocket-Protocol: auth, <jwt>` (seed 004). */
const AUTH_PROTOCOL = 'auth';
/** The public socket's: `Sec-WebSocket-Protocol: visitor, vt_…` (CONTRACT §6). */
const VISITOR_PROTOCOL = 'visitor';

export interface GatewayDeps extends ConnectionDeps {
  storage: Storage;
  tokens: UserTokens;
  origins: OriginPolicy;
  /** Finds each upgrade's client address, behind trusted proxies too; per-address limits use its key. */
  clientAddresses: ClientAddresses;
  socketLimiter: Limiter;
  messageLimiter: Limiter;
  publicIdleTimeoutMs: number;
  /** User sockets register here, so that disabling their user closes them. */
  accounts: AccountWatch;
  /** Finds a public socket's visitor by its token, refusing revoked and expired ones. */
  visitorTokens: VisitorTokenChecker;
  /** Agent sockets register here by their token, so that revoking it closes them on every process. */
  tokenStreams: TokenStreams;
}

/** Close reasons of a user socket whose account is disabled or gone (code 4001, like a bad token). */
const ACCOUNT_CLOSE_REASON = { disabled: 'Account disabled.', unknown: 'Unknown user.', signed_out: 'Password changed.' } as const;

/** Refuses an upgrade with an HTTP answer in the contract's shape, before any WebSocket exists. */
function refuse(socket: Duplex, error: ApiError): void {
  writeRawError(socket, error.status, error);
}

/**
 * A path segment, percent-decoded. Malformed encoding (`%ZZ`) stays as it is: it then fails
 * the slug / UUID checks and closes with 4000, instead of throwing in the upgrade handler.
 */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The token carried by a subprotocol pair `<name>, <token>`, if the client offered one. */
function protocolToken(request: IncomingMessage, name: string): string | null {
  const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((item) => item.trim());
  return protocols[0] === name && protocols[1] ? protocols[1] : null;
}

/** The token of a user socket: the `auth` subprotocol's second value, else `?token=`. */
function tokenOf(request: IncomingMessage, url: URL): string | null {
  return protocolToken(request, AUTH_PROTOCOL) ?? url.searchParams.get('token');
}

/**
 * Takes HTTP upgrades off Fastify's server and turns them into connections: the user socket
 * (every thread of a signed-in user) and the public socket (one visitor thread). Problems
 * a browser must be able to read are reported as close codes after the upgrade (CONTRACT §6).
 */
export class SocketGateway {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (protocols) =>
      protocols.has(AUTH_PROTOCOL) ? AUTH_PROTOCOL : protocols.has(VISITOR_PROTOCOL) ? VISITOR_PROTOCOL : false,
  });
  private readonly connections = new Set<SocketConnection>();
  /** Open public sockets with what their admission depended on, re-checked when the agent's settings change or the token is revoked. */
  private readonly visitorSessions = new Map<
    SocketConnection,
    { agentId: string; origin: string | undefined; threadId: string; visitorId: string; tokenHash: string }
  >();
  private readonly sockets = new Set<WebSocket>();
  /** The WebSocket an upgrade's raw socket became, so a failed accept knows how to answer. */
  private readonly upgraded = new WeakMap<Duplex, WebSocket>();
  private closing = false;

  constructor(private readonly deps: GatewayDeps) {}

  get log(): FastifyBaseLogger {
    return this.deps.log;
  }

  /** Handler for the HTTP server's `upgrade` event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const client = this.deps.clientAddresses.of(request);
    const peer = normalizeAddress(request.socket.remoteAddress ?? '');
    this.log.info(
      { url: redactUrl(request.url ?? ''), remoteAddress: peer, ...(client !== peer ? { clientAddress: client } : {}) },
      'websocket upgrade',
    );
    if (this.closing) return refuse(socket, unavailable('The server is restarting; connect again.'));
    // A request target that is no URL (e.g. `//`) must not throw here: nothing catches it.
    const url = URL.parse(request.url ?? '/', 'http://localhost');
    if (!url) return refuse(socket, badRequest('The request path is not a valid URL.'));
    if (url.pathname === USER_PATH) {
      if (!this.deps.origins.allowsCredentialed(request.headers.origin, request.headers.host)) {
        return refuse(
          socket,
          new ApiError('forbidden', `Sockets from ${request.headers.origin} are not allowed; add it to ALLOWED_ORIGINS.`),
        );
      }
      this.acceptUser(request, socket, head, url).catch((error: unknown) => this.failed(error, socket));
      return;
    }
    if (url.pathname === AGENT_PATH) {
      this.acceptAgent(request, socket, head).catch((error: unknown) => this.failed(error, socket));
      return;
    }
    const match = PUBLIC_PATH.exec(url.pathname);
    if (match) {
      this.acceptPublic(request, socket, head, url, decodeSegment(match[1]!), decodeSegment(match[2]!)).catch((error: unknown) =>
        this.failed(error, socket),
      );
      return;
    }
    refuse(socket, new ApiError('not_found', `There is no WebSocket endpoint at ${url.pathname}.`));
  }

  /**
   * An accept that threw. The database away: before the upgrade a retryable 503, after it
   * close 4503; either way the client reconnects (through the balancer) and catches up.
   */
  private failed(error: unknown, socket: Duplex): void {
    const ws = this.upgraded.get(socket);
    if (isStorageUnavailable(error)) {
      this.log.warn({ err: error }, 'websocket accept failed: database unavailable');
      if (!ws) return refuse(socket, unavailable('The database is not answering right now; connect again in a moment.'));
      if (ws.readyState === ws.OPEN) return ws.close(CloseCode.unavailable, 'The database is unavailable; reconnect.');
    } else {
      this.log.error({ err: error }, 'websocket accept failed');
    }
    socket.destroy();
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket> {
    return new Promise((resolve) => {
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        this.upgraded.set(socket, ws);
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
        resolve(ws);
      });
    });
  }

  private async acceptUser(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const token = tokenOf(request, url);
    const check = token ? await this.deps.tokens.verify(token) : null;
    const user = check?.ok ? await this.deps.storage.users.get(check.userId) : undefined;
    const ws = await this.upgrade(request, socket, head);
    if (!check) return ws.close(CloseCode.unauthorized, 'A token is required.');
    if (!check.ok) return ws.close(CloseCode.unauthorized, check.reason === 'expired' ? 'Token expired.' : 'Invalid token.');
    if (!user) return ws.close(CloseCode.unauthorized, ACCOUNT_CLOSE_REASON.unknown);
    if (user.disabled) return ws.close(CloseCode.unauthorized, ACCOUNT_CLOSE_REASON.disabled);
    if (user.sessionVersion !== check.sessionVersion) return ws.close(CloseCode.unauthorized, ACCOUNT_CLOSE_REASON.signed_out);
    const principal: Principal = {
      kind: 'user',
      id: user.id,
      senderId: userSenderId(user.id),
      name: user.name,
      sessionVersion: user.sessionVersion,
    };
    const threadIds = await this.deps.storage.threads.userThreadIds(user.id);
    const connection = await this.open(ws, {
      scope: 'user',
      principal,
      threadIds,
      clientAddress: this.deps.clientAddresses.of(request),
      expiresAtMs: check.exp * 1000,
    });
    if (!connection) return;
    const forget = this.deps.accounts.add(user.id, user.sessionVersion, (why) =>
      connection.close(CloseCode.unauthorized, ACCOUNT_CLOSE_REASON[why]),
    );
    ws.on('close', forget);
  }

  /**
   * The agent socket (CONTRACT §15): an external agent's token, only ever as the `auth`
   * subprotocol (never in the URL, so never in a log), looked up like on REST. It follows
   * every thread the agent takes part in, and those it is added to later, as topic events.
   */
  private async acceptAgent(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const token = protocolToken(request, AUTH_PROTOCOL);
    const found = token?.startsWith(AGENT_TOKEN_PREFIX) ? await this.deps.storage.agentSettings.getToken(hashAgentToken(token)) : undefined;
    const threadIds = found ? await this.deps.storage.threads.participantThreadIds(agentSenderId(found.agent.id)) : [];
    const ws = await this.upgrade(request, socket, head);
    if (!token) return ws.close(CloseCode.unauthorized, 'An agent token is required as the subprotocol: auth, ama_eat_…');
    if (!found) return ws.close(CloseCode.unauthorized, 'This agent token is not valid (unknown or revoked).');
    const { agent } = found;
    const principal: Principal = {
      kind: 'agent',
      id: agent.id,
      senderId: agentSenderId(agent.id),
      name: agent.name,
      tokenId: found.token.id,
    };
    const connection = await this.open(ws, { scope: 'agent', principal, threadIds, clientAddress: this.deps.clientAddresses.of(request) });
    if (!connection) return;
    // A revoked token closes its sockets on every process, as it ends its SSE streams.
    this.deps.tokenStreams.add(found.token.id, {
      end: () => connection.close(CloseCode.unauthorized, 'Agent token revoked.'),
      on: (event, listener) => ws.on(event, listener),
    });
  }

  private async acceptPublic(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
    slug: string,
    threadId: string,
  ): Promise<void> {
    const address = this.deps.clientAddresses.of(request);
    // Counted while the upgrade goes on (a shared limit asks the database).
    const counted = Promise.resolve(this.deps.socketLimiter.take(addressRateKey(address)));
    const rawEmail = url.searchParams.get('email');
    const email = rawEmail === null ? null : normalizeEmail(rawEmail);
    const token = protocolToken(request, VISITOR_PROTOCOL);
    const ws = await this.upgrade(request, socket, head);
    const limit = await counted;
    if (!limit.ok) {
      const seconds = Math.ceil(limit.retryAfterMs / 1000);
      const frame = {
        type: 'error',
        data: {
          code: 'rate_limited',
          message: `Too many connections; try again in ${seconds} s.`,
          retryable: true,
          retry_after_ms: limit.retryAfterMs,
        },
      };
      ws.send(JSON.stringify(frame));
      return ws.close(CloseCode.tryAgainLater, 'rate limited');
    }
    if (!isSlug(slug)) return ws.close(CloseCode.invalidParams, 'Invalid agent slug.');
    if (!isUuid(threadId)) return ws.close(CloseCode.invalidParams, 'Invalid thread id.');
    // The email is a label (seed 000 requires it); with a visitor token it may be left out,
    // since a visitor vouched for by the website may have none.
    if (email === null ? token === null : !isEmail(email)) return ws.close(CloseCode.invalidParams, 'A valid email is required.');
    const agent = await this.deps.storage.agents.bySlug(slug);
    if (!agent) return ws.close(CloseCode.notFound, 'Unknown agent.');
    if (!isOriginAllowed(agent.allowedOrigins, request.headers.origin)) return ws.close(CloseCode.unauthorized, 'origin not allowed');
    if (token === null) return ws.close(CloseCode.unauthorized, 'visitor token required');
    const check = await this.deps.visitorTokens.check(agent.id, token);
    if (!check.ok && check.reason === 'expired') return ws.close(CloseCode.unauthorized, 'visitor token expired');
    const visitor = check.ok ? check.visitor : undefined;
    const owner = visitor && (await this.deps.storage.visitors.ofThread(threadId));
    // One answer for "no such thread", "another visitor's thread" and "no such token".
    if (!check.ok || !visitor || !owner || owner.id !== visitor.id) return ws.close(CloseCode.unauthorized, 'invalid visitor token');
    if (agent.requireVerifiedIdentity && !visitor.verified) return ws.close(CloseCode.unauthorized, 'identity required');
    if (email !== null && visitor.email !== null && normalizeEmail(visitor.email) !== email) {
      return ws.close(CloseCode.notFound, 'Conversation not found for this email.');
    }
    const principal: Principal = {
      kind: 'visitor',
      id: visitor.id,
      senderId: visitorSenderId(visitor.id),
      name: visitor.name ?? VISITOR_DEFAULT_NAME,
      threadId,
    };
    const connection = await this.open(ws, {
      scope: 'public',
      principal,
      threadIds: [threadId],
      idleTimeoutMs: this.deps.publicIdleTimeoutMs,
      messageLimiter: this.deps.messageLimiter,
      clientAddress: address,
    });
    if (!connection) return;
    this.visitorSessions.set(connection, {
      agentId: agent.id,
      origin: request.headers.origin,
      threadId,
      visitorId: visitor.id,
      tokenHash: check.tokenHash,
    });
    ws.on('close', () => this.visitorSessions.delete(connection));
  }

  private async open(ws: WebSocket, options: ConstructorParameters<typeof SocketConnection>[2]): Promise<SocketConnection | undefined> {
    // Before `ready`: every frame another process publishes from then on reaches this socket,
    // and the client catches up on what came before from the log.
    const release = await this.deps.hub.listen();
    if (ws.readyState !== ws.OPEN) {
      release();
      return undefined;
    }
    ws.on('close', release);
    const connection = new SocketConnection(ws, this.deps, options);
    this.connections.add(connection);
    ws.on('close', () => this.connections.delete(connection));
    connection.start();
    return connection;
  }

  /**
   * Applies an agent's new settings to its open public sockets: one from a website no longer
   * allowed, or of a visitor not verified when identity became required, closes with 4001
   * (the same answer a new connect would get).
   */
  async enforceAgentSettings(agent: AgentRecord): Promise<void> {
    for (const [connection, session] of this.visitorSessions) {
      if (session.agentId !== agent.id) continue;
      if (!isOriginAllowed(agent.allowedOrigins, session.origin)) {
        connection.close(CloseCode.unauthorized, 'origin not allowed');
      } else if (agent.requireVerifiedIdentity && !(await this.deps.storage.visitors.ofThread(session.threadId))?.verified) {
        connection.close(CloseCode.unauthorized, 'identity required');
      }
    }
  }

  /** Closes the open public sockets opened with revoked tokens (4001, as a new connect with them would get). */
  closeRevoked(visitorId: string, tokenHash: string | null): void {
    for (const [connection, session] of this.visitorSessions) {
      if (session.visitorId === visitorId && (tokenHash === null || session.tokenHash === tokenHash)) {
        connection.close(CloseCode.unauthorized, 'invalid visitor token');
      }
    }
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Every socket closes with 4503 and reconnects: live frames were missed, the clients catch up by thread_seq. */
  resetAll(): void {
    for (const connection of this.connections) connection.close(CloseCode.unavailable, 'Live updates were interrupted; reconnect.');
  }

  /** Shutdown: refuse new upgrades and close every socket with 4503 so clients reconnect. */
  closeAll(): void {
    this.closing = true;
    for (const connection of this.connections) connection.close(CloseCode.unavailable, 'Server is restarting.');
    for (const ws of this.sockets) if (ws.readyState === ws.OPEN) ws.close(CloseCode.unavailable, 'Server is restarting.');
    this.wss.close();
  }
}
