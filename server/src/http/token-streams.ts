import type { FastifyBaseLogger } from 'fastify';
import type { Storage } from '../storage/storage.ts';

/** What a token opened and its revocation ends: an SSE response, or an agent socket (CONTRACT §15). */
export interface TokenStream {
  /** Ends it (a socket closes with 4001). */
  end(): void;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * Open SSE streams and agent sockets by the external agent token that opened them, so that revoking the token
 * ends them on every process. The process that revokes it tells every process at once (the
 * control channel: NATS with several processes), and each ends its own with {@link endAll}.
 * A revocation no process announced (in the database by another tool, or while NATS was
 * away) is caught by the re-check: every `intervalMs` the tokens with open streams are looked
 * up in one read, and the streams of those no longer live end. Like {@link AccountWatch}'s,
 * such a stream thus lives at most one interval longer.
 */
export class TokenStreams {
  private readonly byToken = new Map<string, Set<TokenStream>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly storage: Pick<Storage, 'agentSettings'>,
    private readonly log: Pick<FastifyBaseLogger, 'info' | 'warn'>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.check().catch((error: unknown) => this.log.warn({ err: error }, 'agent token re-check failed; trying again next interval'));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  add(tokenId: string, stream: TokenStream): void {
    let streams = this.byToken.get(tokenId);
    if (!streams) this.byToken.set(tokenId, (streams = new Set()));
    streams.add(stream);
    stream.on('close', () => {
      streams.delete(stream);
      if (streams.size === 0 && this.byToken.get(tokenId) === streams) this.byToken.delete(tokenId);
    });
  }

  /** Ends every stream opened with the token; returns how many. */
  endAll(tokenId: string): number {
    const streams = this.byToken.get(tokenId);
    this.byToken.delete(tokenId);
    for (const stream of streams ?? []) stream.end();
    return streams?.size ?? 0;
  }

  /** Ends the streams of tokens that are no longer live; resolves with how many ended. */
  check(): Promise<number> {
    // One check at a time: a slow database must not pile them up.
    this.running ??= this.checkNow().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkNow(): Promise<number> {
    const ids = [...this.byToken.keys()];
    if (ids.length === 0) return 0;
    const live = new Set(await this.storage.agentSettings.liveTokenIds(ids));
    let ended = 0;
    for (const id of ids) if (!live.has(id)) ended += this.endAll(id);
    if (ended > 0) this.log.info({ streams: ended }, 'ended the open streams of revoked agent tokens');
    return ended;
  }
}
