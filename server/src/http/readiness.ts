/** How long one probe's verdict is reused: a balancer polling often costs the database one query per this. */
export const READINESS_CACHE_MS = 500;
/** How long the database may take to answer the probe before the process counts as not ready. */
export const READINESS_PROBE_TIMEOUT_MS = 1_000;

export interface ReadinessDeps {
  /** Resolves when the database answers (`Storage.ping`). */
  pingDatabase(): Promise<void>;
  /** Whether the live fan-out works (NATS connected; always true in one process). */
  liveConnected(): boolean;
  clock?: () => number;
}

/** Ready, or the reason why not (for `/readyz` and the logs). */
export type ReadinessVerdict = { ready: true } | { ready: false; reason: string };

/**
 * Whether this process can serve requests now (`GET /readyz`): its database answers and its
 * NATS connection is up. The database probe is shared by concurrent callers and its verdict
 * cached for {@link READINESS_CACHE_MS}, so frequent health checks stay cheap.
 */
export class Readiness {
  private cached: { at: number; verdict: Promise<ReadinessVerdict> } | undefined;
  private readonly clock: () => number;

  constructor(private readonly deps: ReadinessDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async check(): Promise<ReadinessVerdict> {
    if (!this.deps.liveConnected()) return { ready: false, reason: 'NATS is unreachable.' };
    const now = this.clock();
    if (!this.cached || now - this.cached.at >= READINESS_CACHE_MS) this.cached = { at: now, verdict: this.probeDatabase() };
    return this.cached.verdict;
  }

  private async probeDatabase(): Promise<ReadinessVerdict> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ReadinessVerdict>((resolve) => {
      timer = setTimeout(() => resolve({ ready: false, reason: 'The database is not answering.' }), READINESS_PROBE_TIMEOUT_MS);
    });
    const probe = this.deps.pingDatabase().then(
      (): ReadinessVerdict => ({ ready: true }),
      (): ReadinessVerdict => ({ ready: false, reason: 'The database is unreachable.' }),
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
