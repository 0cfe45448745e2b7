import { isWellFormedText } from '../../../src/core/protocol/limits.ts';
import { badRequest, type ApiError } from '../http/errors.ts';
import { MAX_FILE_NAME_BYTES } from './attachment-kinds.ts';

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators and bidi overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/**
 * The file name an upload is stored and offered under, checked: a name, not a path (no `/`
 * or `\`, not `.` or `..`), with no control characters (they spoof what is shown, and a
 * line break in a header is an injection), at most {@link MAX_FILE_NAME_BYTES} bytes of
 * UTF-8. Returns the name NFC-normalised, or a 400 in words.
 */
export function checkFileName(raw: string | undefined): string | ApiError {
  if (raw === undefined || raw.trim() === '') return badRequest('name is required: the file name, e.g. ?name=screenshot.png.');
  if (!isWellFormedText(raw)) return badRequest('name contains an unpaired surrogate (broken Unicode).');
  const name = raw.normalize('NFC');
  if (CONTROL.test(name)) return badRequest('name contains a control character; send the file name only.');
  if (name.includes('/') || name.includes('\\')) return badRequest('name must be a file name without a folder (no / or \\).');
  if (name === '.' || name === '..') return badRequest('name must be a file name, not "." or "..".');
  if (name !== name.trim()) return badRequest('name must not start or end with white space.');
  if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) {
    return badRequest(`name is longer than ${MAX_FILE_NAME_BYTES} bytes of UTF-8; shorten the file name.`);
  }
  return name;
}
