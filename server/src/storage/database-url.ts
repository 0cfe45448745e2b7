const POSTGRES_PROTOCOLS = new Set(['postgres:', 'postgresql:']);
const EXAMPLE = 'postgres://user:password@host:5432/ama2';
/** Query parameters that may carry a secret (`password`, `sslpassword`, ...). */
const SECRET_PARAM = /pass|secret|key/i;

/**
 * Checks a `DATABASE_URL`: a `postgres://` or `postgresql://` URL (the driver reads the
 * rest, e.g. `?host=/run/postgresql` for a unix socket). Errors
 * never repeat the value, which may hold a password.
 */
export function parseDatabaseUrl(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`DATABASE_URL is not a URL; it must look like ${EXAMPLE}.`);
  }
  if (!POSTGRES_PROTOCOLS.has(url.protocol)) {
    throw new Error(`DATABASE_URL must be a postgres:// or postgresql:// URL such as ${EXAMPLE}, not a ${url.protocol}// one.`);
  }
  return value;
}

/** The URL with its password (and any secret query parameter) replaced by `***`, for banners and logs. */
export function redactDatabaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '(an unreadable URL)';
  }
  if (url.password) url.password = '***';
  for (const name of [...url.searchParams.keys()]) if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***');
  // URLSearchParams would write *** as %2A%2A%2A.
  return url.toString().replaceAll('%2A%2A%2A', '***');
}
