import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type postgres from 'postgres';
import type { AttachmentBytes, ByteRange, ByteStream } from '../../attachments/attachment-bytes.ts';

/** Bytes per stored chunk: a few round trips for a large file, and little memory per read. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Attachments' bytes in PostgreSQL (`attachment_chunks`), so that any process serves any
 * file. Written in one transaction (a file is there whole or not at all) one chunk at a time
 * from the spooled upload, and read one chunk per query: never a whole file in memory, and
 * no statement or transaction stays open while a slow client reads.
 */
export class PostgresAttachmentBytes implements AttachmentBytes {
  /** Uploads are spooled on this machine's disk, then copied in. */
  readonly incomingDir = tmpdir();

  constructor(private readonly sql: postgres.Sql) {}

  async put(key: string, fromPath: string): Promise<void> {
    try {
      await this.sql.begin(async (tx) => {
        await tx`DELETE FROM attachment_chunks WHERE key = ${key}`;
        let n = 0;
        let startAt = 0;
        for await (const chunk of createReadStream(fromPath, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
          await tx`INSERT INTO attachment_chunks (key, n, start_at, data) VALUES (${key}, ${n}, ${startAt}, ${chunk})`;
          n += 1;
          startAt += chunk.length;
        }
      });
    } finally {
      await rm(fromPath, { force: true });
    }
  }

  async read(key: string, range?: ByteRange): Promise<ByteStream | null> {
    const chunks = await this.sql<{ n: number; start_at: string; size: number }[]>`
      SELECT n, start_at, length(data) AS size FROM attachment_chunks WHERE key = ${key} ORDER BY n`;
    if (chunks.length === 0) return null;
    const sql = this.sql;
    const wanted = chunks.filter((chunk) => {
      if (!range) return true;
      const start = Number(chunk.start_at);
      return start + chunk.size > range.start && start <= range.end;
    });
    async function* bytes(): AsyncGenerator<Uint8Array> {
      for (const chunk of wanted) {
        const [row] = await sql<{ data: Buffer }[]>`SELECT data FROM attachment_chunks WHERE key = ${key} AND n = ${chunk.n}`;
        // Deleted while it was being read: the stream fails rather than ending short as if whole.
        if (!row) throw new Error(`attachment bytes ${key} were deleted while being read`);
        const start = Number(chunk.start_at);
        const from = range ? Math.max(0, range.start - start) : 0;
        const to = range ? Math.min(row.data.length, range.end - start + 1) : row.data.length;
        yield row.data.subarray(from, to);
      }
    }
    return bytes();
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.sql`DELETE FROM attachment_chunks WHERE key = ANY(${keys as string[]}::text[])`;
  }
}
