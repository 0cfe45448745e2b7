import type { StoredContentType } from './attachment-kinds.ts';

/** Bytes the magic numbers need (WebP's is at 8..11). */
export const SNIFF_BYTES = 16;

const startsWith = (head: Buffer, magic: readonly number[], at = 0) => magic.every((byte, index) => head[at + index] === byte);
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const PDF = ascii('%PDF-');

/** What the first bytes of a file say it is, by magic number; null when none matches (it may still be text). */
export function sniffBinaryType(head: Buffer): StoredContentType | null {
  if (startsWith(head, PNG)) return 'image/png';
  if (startsWith(head, JPEG)) return 'image/jpeg';
  if (startsWith(head, GIF87) || startsWith(head, GIF89)) return 'image/gif';
  if (startsWith(head, RIFF) && startsWith(head, WEBP, 8)) return 'image/webp';
  if (startsWith(head, PDF)) return 'application/pdf';
  return null;
}

const BOM = [0xef, 0xbb, 0xbf];
/** Space, tab, line feed, form feed, carriage return: what may come before a document's first `<`. */
const LEADING_SPACE = new Set([0x20, 0x09, 0x0a, 0x0c, 0x0d]);

/**
 * Whether text starts like markup (HTML, SVG, XML: its first character after a BOM and white
 * space is `<`). Such files are never taken (CONTRACT §13): served from the app's origin, a
 * browser that guessed wrong would run them.
 */
export function looksLikeMarkup(head: Buffer): boolean {
  let index = startsWith(head, BOM) ? BOM.length : 0;
  while (index < head.length && LEADING_SPACE.has(head[index]!)) index++;
  return head[index] === 0x3c;
}

/**
 * Checks a stream of bytes as UTF-8 text, chunk by chunk (nothing kept but the decoder's
 * state): valid UTF-8, and no NUL byte (binary files have them; text does not).
 */
export class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private valid = true;

  push(chunk: Buffer): void {
    if (!this.valid) return;
    if (chunk.includes(0)) {
      this.valid = false;
      return;
    }
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      this.valid = false;
    }
  }

  /** True when every byte pushed was UTF-8 text without NUL. */
  end(): boolean {
    if (!this.valid) return false;
    try {
      this.decoder.decode();
      return true;
    } catch {
      return false;
    }
  }
}
