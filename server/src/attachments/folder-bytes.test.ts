import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderBytes, STALE_INCOMING_MS } from './folder-bytes.ts';

describe('FolderBytes.open in a folder other processes share', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'folder-bytes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps another process’s upload under way in .incoming/ and removes a crash’s stale leftover', async () => {
    const first = await FolderBytes.open(dir);
    const underWay = join(first.incomingDir, 'under-way.part');
    const leftover = join(first.incomingDir, 'leftover.part');
    await writeFile(underWay, 'arriving');
    await writeFile(leftover, 'half a file');
    const stale = new Date(Date.now() - STALE_INCOMING_MS - 60_000);
    await utimes(leftover, stale, stale);

    // A second process starts on the same folder while the first one spools.
    const second = await FolderBytes.open(dir);
    expect(second.incomingDir).toBe(first.incomingDir);
    expect(existsSync(underWay)).toBe(true);
    expect(existsSync(leftover)).toBe(false);
    // The upload under way is still stored whole.
    const key = '6f1c3a52-9d0e-4b7a-8c1e-2f3a4b5c6d7e';
    await first.put(key, underWay);
    const read: Uint8Array[] = [];
    for await (const chunk of (await second.read(key))!) read.push(chunk);
    expect(Buffer.concat(read).toString()).toBe('arriving');
  });
});
