/**
 * Pre-compression of built files: `x.js` gets `x.js.br` (brotli, quality 11) and `x.js.gz`
 * (gzip -9) beside it, which the server sends by `Accept-Encoding` (server/src/http/static-files.ts).
 * Done once at build time, so the server never compresses per request and can afford the
 * slowest, smallest settings.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text formats only: images and fonts are compressed already, and gain nothing. */
const COMPRESSIBLE_FILE = /\.(?:js|mjs|css|html|svg|json|map|txt)$/i;

/** The encodings written, by file suffix. */
const ENCODING_SUFFIXES = { br: '.br', gzip: '.gz' } as const;

export interface PrecompressResult {
  file: string;
  bytes: number;
  /** Sizes of the variants written; an encoding that would not be smaller is left out. */
  br?: number;
  gzip?: number;
}

/**
 * Writes `file.br` and `file.gz` when each is smaller than `file`, and removes a variant
 * left from an earlier build otherwise, so a stale variant is never served for a new file.
 */
async function precompressFile(file: string): Promise<PrecompressResult> {
  const source = await readFile(file);
  const [br, gz] = await Promise.all([
    brotli(source, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
      },
    }),
    gzipAsync(source, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  const result: PrecompressResult = { file, bytes: source.length };
  for (const [encoding, compressed] of [
    ['br', br],
    ['gzip', gz],
  ] as const) {
    const variant = file + ENCODING_SUFFIXES[encoding];
    if (compressed.length < source.length) {
      await writeFile(variant, compressed);
      result[encoding] = compressed.length;
    } else {
      await rm(variant, { force: true });
    }
  }
  return result;
}

/** Pre-compresses every compressible file of `files` (others are skipped). */
export async function precompressFiles(files: readonly string[]): Promise<PrecompressResult[]> {
  return Promise.all(files.filter((file) => COMPRESSIBLE_FILE.test(file)).map((file) => precompressFile(file)));
}
