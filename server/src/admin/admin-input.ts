import { codePointLength } from '../../../src/core/protocol/limits.ts';
import { isEmail, isSlug, normalizeEmail } from '../http/validation.ts';
import { usageError } from './admin-error.ts';

/** Passwords set by an administrator: at least this many characters (Unicode code points). */
export const MIN_PASSWORD_CHARS = 12;
/** As long as `POST /auth/login` accepts. */
export const MAX_PASSWORD_CHARS = 1024;
const MAX_NAME_CHARS = 100;
const MAX_GREETING_CHARS = 2000;
const THEME_COLOR = /^#[0-9a-f]{6}$/i;
/** Control characters (C0, DEL, C1: line breaks, tabs, escapes) have no place in a name shown in the inbox. */
const hasControlCharacter = (text: string) => [...text].some((char) => char < ' ' || (char >= '\u007f' && char <= '\u009f'));

/** A well-formed email, lowercased and trimmed as sign-in does. */
export function parseEmail(raw: string, flag = '--email'): string {
  const email = normalizeEmail(raw);
  if (!isEmail(email)) throw usageError(`${flag} "${raw}" is not an email address such as ana@example.com.`);
  return email;
}

/** A display name: 1 to 100 characters, no control characters, trimmed. */
export function parseName(raw: string, flag = '--name'): string {
  const name = raw.trim();
  if (name === '') throw usageError(`${flag} is empty; give a name such as "Ana Lima".`);
  if (codePointLength(name) > MAX_NAME_CHARS) throw usageError(`${flag} is longer than ${MAX_NAME_CHARS} characters.`);
  if (hasControlCharacter(name)) throw usageError(`${flag} contains a control character (a line break or tab, say).`);
  return name;
}

/** An agent slug, as the public endpoints accept it. */
export function parseSlug(raw: string): string {
  if (!isSlug(raw)) {
    throw usageError(
      `--slug "${raw}" is not a slug: use 1 to 64 lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. support-bot).`,
    );
  }
  return raw;
}

/** A `#rrggbb` colour, lowercased. */
export function parseThemeColor(raw: string): string {
  if (!THEME_COLOR.test(raw)) throw usageError(`--theme-color "${raw}" is not a colour of the form #rrggbb (e.g. #4f46e5).`);
  return raw.toLowerCase();
}

export function parseGreeting(raw: string): string {
  const greeting = raw.trim();
  if (greeting === '') throw usageError('--greeting is empty; leave it out for the default greeting.');
  if (codePointLength(greeting) > MAX_GREETING_CHARS) throw usageError(`--greeting is longer than ${MAX_GREETING_CHARS} characters.`);
  return greeting;
}

/** Refuses an empty or short password; the message never repeats the password. */
export function checkPassword(password: string): string {
  if (password.trim() === '') throw usageError('The password is empty.');
  const length = codePointLength(password);
  if (length < MIN_PASSWORD_CHARS) {
    throw usageError(`The password is too short: use at least ${MIN_PASSWORD_CHARS} characters (it has ${length}).`);
  }
  if (length > MAX_PASSWORD_CHARS) throw usageError(`The password is too long: use at most ${MAX_PASSWORD_CHARS} characters.`);
  return password;
}
