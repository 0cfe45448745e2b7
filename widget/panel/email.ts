/** Longest address a mail system accepts (RFC 5321 path limit). */
const MAX_EMAIL_LENGTH = 254;

/** Something@something.tld without spaces: enough to catch typos; the server has the last word. */
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export type EmailProblem = 'required' | 'invalid';

/** What is wrong with an address the visitor typed, or null when it will do. */
export function emailProblem(value: string): EmailProblem | null {
  const email = value.trim();
  if (!email) return 'required';
  return email.length <= MAX_EMAIL_LENGTH && EMAIL.test(email) ? null : 'invalid';
}
