import { attachmentSummary } from '../storage/attachment-rows.ts';
import type { Storage } from '../storage/storage.ts';
import type { VisitorSummary } from '../storage/stores/privacy-store.ts';
import { visitorWire } from './privacy-service.ts';

/** Events read per page while exporting (the export holds one page at a time). */
export const EXPORT_PAGE_EVENTS = 200;

/**
 * The export document (CONTRACT §14), as chunks of JSON text: the visitor, then each thread
 * with every event a user reads (notes included) and its attachments with their download
 * paths. Reads the log a page at a time, so memory stays flat whatever the visitor wrote.
 */
export async function* exportVisitor(storage: Storage, visitor: VisitorSummary, exportedAt: string): AsyncGenerator<string> {
  yield `{"exported_at":${JSON.stringify(exportedAt)},"visitor":${JSON.stringify(visitorWire(visitor))},"threads":[`;
  let firstThread = true;
  for (const threadId of visitor.threadIds) {
    const thread = await storage.threads.get(threadId);
    if (!thread) continue;
    const head = {
      id: thread.id,
      kind: thread.kind,
      title: thread.title,
      created_at: thread.createdAt,
      updated_at: thread.updatedAt,
      participants: thread.participants,
    };
    yield `${firstThread ? '' : ','}${JSON.stringify(head).slice(0, -1)},"events":[`;
    firstThread = false;
    let after = 0;
    let firstEvent = true;
    for (;;) {
      const page = await storage.log.list(threadId, after, EXPORT_PAGE_EVENTS);
      if (page.events.length > 0) {
        yield (firstEvent ? '' : ',') + page.events.map((event) => JSON.stringify(event)).join(',');
        firstEvent = false;
        after = page.events[page.events.length - 1]!.thread_seq;
      }
      if (!page.hasMore) break;
    }
    const files = (await storage.attachments.ofThread(threadId)).map((record) => ({
      ...attachmentSummary(record),
      sha256: record.sha256,
      message_id: record.messageId,
      created_at: record.createdAt,
      download_path: `/chat/threads/${threadId}/attachments/${record.id}`,
    }));
    yield `],"attachments":${JSON.stringify(files)}}`;
  }
  yield ']}';
}
