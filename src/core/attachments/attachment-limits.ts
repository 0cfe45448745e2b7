/**
 * What may be attached, checked in the browser before any upload starts (CONTRACT §13), so a
 * file that would be refused is refused at once, in words, instead of after a long upload. This
 * is a first check by size, extension and the type the browser reports: the server decides the
 * type by the bytes, and its answer (`413`, `415`) still reaches the user if this check passes.
 */

/** The kinds of file the server knows (CONTRACT §13); an agent allows its visitors some of them. */
export type AttachmentKind = 'image' | 'pdf' | 'text';
export const ATTACHMENT_KINDS: readonly AttachmentKind[] = ['image', 'pdf', 'text'];

/** At most this many files on one message (CONTRACT §13). */
export const MAX_FILES_PER_MESSAGE = 10;

/** The limits one sender works within. */
export interface AttachmentLimits {
  /** Largest file, in bytes; null when the client cannot know it (a user: the server's 413 says it). */
  maxBytes: number | null;
  /** The kinds accepted. */
  kinds: readonly AttachmentKind[];
}

/** A chosen file as the check sees it (a `File` is one). */
export interface CandidateFile {
  name: string;
  type: string;
  size: number;
}

/** Why a file is not taken; the UI puts it in words (in the user's language). */
export type FileRefusal =
  | { reason: 'type'; name: string; kinds: readonly AttachmentKind[] }
  | { reason: 'size'; name: string; size: number; maxBytes: number }
  | { reason: 'empty'; name: string }
  | { reason: 'count'; name: string; max: number };

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp']);
const TEXT_EXTENSIONS = new Set(['txt', 'text', 'md', 'csv', 'log', 'json']);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The kind a file looks like by its reported type, else its extension; null for a kind the server does not take. */
export function kindOfFile(file: Pick<CandidateFile, 'name' | 'type'>): AttachmentKind | null {
  const type = file.type.toLowerCase().split(';')[0]!.trim();
  const extension = extensionOf(file.name);
  if (IMAGE_TYPES.has(type) || (type === '' && IMAGE_EXTENSIONS.has(extension))) return 'image';
  if (type === 'application/pdf' || (type === '' && extension === 'pdf')) return 'pdf';
  if (type === 'text/plain' || type === 'text/markdown' || type === 'text/csv' || TEXT_EXTENSIONS.has(extension)) return 'text';
  return null;
}

/**
 * Checks one file against the limits; `alreadyChosen` files are on the message already.
 * Null when the file may be sent.
 */
export function checkFile(file: CandidateFile, limits: AttachmentLimits, alreadyChosen = 0): FileRefusal | null {
  const kind = kindOfFile(file);
  if (kind === null || !limits.kinds.includes(kind)) return { reason: 'type', name: file.name, kinds: limits.kinds };
  if (file.size === 0) return { reason: 'empty', name: file.name };
  if (limits.maxBytes !== null && file.size > limits.maxBytes) {
    return { reason: 'size', name: file.name, size: file.size, maxBytes: limits.maxBytes };
  }
  if (alreadyChosen >= MAX_FILES_PER_MESSAGE) return { reason: 'count', name: file.name, max: MAX_FILES_PER_MESSAGE };
  return null;
}

/** Splits chosen files into those taken (in order, up to the per-message count) and the refusals. */
export function admitFiles<F extends CandidateFile>(
  files: readonly F[],
  limits: AttachmentLimits,
  alreadyChosen = 0,
): { accepted: F[]; refused: FileRefusal[] } {
  const accepted: F[] = [];
  const refused: FileRefusal[] = [];
  for (const file of files) {
    const refusal = checkFile(file, limits, alreadyChosen + accepted.length);
    if (refusal) refused.push(refusal);
    else accepted.push(file);
  }
  return { accepted, refused };
}

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * A number as the chat's languages write it: German with a decimal comma and dots between
 * thousands, else English. Not `toLocaleString`: its first call in a page loads the locale's
 * number data, 30 to 120 ms of main thread measured in Chromium here, and a pasted screenshot's
 * size is the first number an upload tray writes (paste → thumbnail, issue 19).
 */
function localNumber(value: number, locale: string): string {
  const german = /^de\b/i.test(locale);
  const [whole = '', fraction] = String(value).split('.');
  return whole.replace(/\B(?=(\d{3})+$)/g, german ? '.' : ',') + (fraction ? (german ? ',' : '.') + fraction : '');
}

/** A file size for people: "512 B", "340 KB", "14.2 MB", "10 MB" (binary units, as the limits are set). */
export function formatFileSize(bytes: number, locale: string): string {
  if (bytes < KIB) return `${localNumber(bytes, locale)} B`;
  if (bytes < MIB) return `${localNumber(Math.round(bytes / KIB), locale)} KB`;
  return `${localNumber(Math.round((bytes / MIB) * 10) / 10, locale)} MB`;
}

/** A visitor's limits from the agent's public profile (`attachments`, taken unchecked there): null when files are off. */
export function visitorLimitsOf(settings: unknown): AttachmentLimits | null {
  // A server without attachments sends no settings: then there is no upload endpoint either.
  if (typeof settings !== 'object' || settings === null) return null;
  const { enabled, max_bytes: maxBytes, types } = settings as { enabled?: unknown; max_bytes?: unknown; types?: unknown };
  if (enabled !== true || typeof maxBytes !== 'number' || !Array.isArray(types)) return null;
  const kinds = ATTACHMENT_KINDS.filter((kind) => types.includes(kind));
  return kinds.length > 0 ? { maxBytes, kinds } : null;
}
