import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { AttachmentBytes, ByteRange } from '../../attachments/attachment-bytes.ts';
import { FolderBytes } from '../../attachments/folder-bytes.ts';
import type { ContractOpen } from './fixtures.ts';

/** Around the sizes (an empty upload is refused before storage) where a store cuts files (PostgreSQL: 8,000-byte rows, read 256,000 bytes at a time). */
const SIZES = [1, 7_999, 8_000, 8_001, 255_999, 256_000, 256_001, 3 * 256_000 + 5];

async function readAll(bytes: AttachmentBytes, key: string, range?: ByteRange): Promise<Buffer | null> {
  const stream = await bytes.read(key, range);
  if (stream === null) return null;
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/**
 * Storage contract rules of attachments' bytes: the store's own (PostgreSQL) or, where the
 * storage has none (SQLite), the folder beside the database that the server then uses.
 */
export function attachmentBytesRules(open: ContractOpen): void {
  it('rule A1: a stored file reads back byte for byte, whole and by any range, at every size around the cuts; put removes the spooled file; delete forgets it', async () => {
    const { storage } = await open();
    const folder = await mkdtemp(join(tmpdir(), 'bytes-rules-'));
    try {
      const bytes = storage.attachmentBytes ?? (await FolderBytes.open(folder));
      const keys = new Map(SIZES.map((size) => [size, randomUUID()]));
      for (const size of SIZES) {
        const key = keys.get(size)!;
        const file = randomBytes(size);
        const spooled = join(bytes.incomingDir, `rule-a1-${size}.part`);
        await writeFile(spooled, file);
        await bytes.put(key, spooled);
        expect(existsSync(spooled)).toBe(false);
        expect((await readAll(bytes, key))?.equals(file), `${size} bytes whole`).toBe(true);
        const ranges: ByteRange[] = [
          { start: 0, end: 0 },
          { start: size - 1, end: size - 1 },
          { start: Math.floor(size / 3), end: Math.floor((2 * size) / 3) },
          { start: Math.min(7_999, size - 1), end: Math.min(8_000, size - 1) },
        ];
        for (const range of ranges) {
          const read = await readAll(bytes, key, range);
          expect(read?.equals(file.subarray(range.start, range.end + 1)), `${size} bytes, ${range.start}-${range.end}`).toBe(true);
        }
      }
      const neverStored = randomUUID();
      expect(await readAll(bytes, neverStored)).toBeNull();
      await bytes.delete([...keys.values(), neverStored]);
      for (const key of keys.values()) expect(await readAll(bytes, key)).toBeNull();
    } finally {
      await rm(folder, { recursive: true, force: true });
      await storage.close();
    }
  });
}
