import type { PublicApi } from '../../src/core/api/public-api.ts';
import type { VisitorThreadSummary } from '../../src/core/protocol/rest-schemas.ts';

/**
 * The visitor's other conversations with the agent, newest first (CONTRACT §7 "my
 * conversations"), for "Earlier conversations"; null when the server cannot say (a seed-only
 * server answers 404, or the call failed): the panel then offers no list.
 */
export async function earlierThreads(
  api: PublicApi,
  slug: string,
  visitorToken: string,
  currentThreadId: string,
): Promise<VisitorThreadSummary[] | null> {
  try {
    const { threads } = await api.listThreads(slug, visitorToken);
    return threads.filter((thread) => thread.id !== currentThreadId);
  } catch {
    return null;
  }
}
