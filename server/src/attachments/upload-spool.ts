import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badRequest } from '../http/errors.ts';
import { SNIFF_BYTES, TextCheck, sniffBinaryType } from './sniff.ts';

/** An upload written whole to a temporary file, with what was learnt on the way. */
export interface SpooledUpload {
  path: string;
  size: number;
  /** Hex sha256 of the bytes. */
  sha256: string;
  /** The first {@link SNIFF_BYTES} bytes (fewer for a shorter file). */
  head: Buffer;
  /** Every byte was UTF-8 text without NUL (checked only when `checkText`, and not for a file with a known magic number). */
  text: boolean;
}

/** The body ran past what it declared (or a limit): it is cut off and the upload refused. */
export class BodyTooLong extends Error {}

/**
 * Streams a request body into a new file in `dir`, never holding it in memory: counting,
 * hashing and (with `checkText`) checking it as UTF-8 on the way. A body longer than
 * `declaredBytes` is cut off there ({@link BodyTooLong}); a shorter one (the client went
 * away) fails with 400. On any failure the file is removed.
 */
export async function spoolUpload(body: Readable, dir: string, declaredBytes: number, checkText: boolean): Promise<SpooledUpload> {
  const path = join(dir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let text = checkText ? new TextCheck() : null;
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > declaredBytes) {
        done(new BodyTooLong(`the body is longer than its Content-Length (${declaredBytes} bytes)`));
        return;
      }
      if (headBytes < SNIFF_BYTES) {
        const part = chunk.subarray(0, SNIFF_BYTES - headBytes);
        head.push(part);
        headBytes += part.length;
        // A file with a magic number is not text: the rest need not be decoded.
        if (headBytes >= SNIFF_BYTES && sniffBinaryType(Buffer.concat(head)) !== null) text = null;
      }
      hash.update(chunk);
      text?.push(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await rm(path, { force: true });
    if (error instanceof BodyTooLong) throw error;
    throw badRequest('The upload ended before all of its bytes arrived; send the file again.');
  }
  if (size < declaredBytes) {
    await rm(path, { force: true });
    throw badRequest(`The upload ended after ${size} of ${declaredBytes} bytes; send the file again.`);
  }
  return { path, size, sha256: hash.digest('hex'), head: Buffer.concat(head), text: text?.end() ?? false };
}
