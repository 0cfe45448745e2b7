import type { ServerResponse } from 'node:http';

/** Open SSE streams by the agent token that opened them, so revoking a token ends them at once. */
export class TokenStreams {
  private readonly byToken = new Map<string, Set<ServerResponse>>();

  add(tokenId: string, stream: ServerResponse): void {
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
}
