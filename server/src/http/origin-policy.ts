/**
 * Which browser origins may make credentialed calls (CONTRACT §1): the server's own origin,
 * plus `ALLOWED_ORIGINS`. Requests without an `Origin` header come from non-browser
 * clients and are judged by their credentials alone.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins);
  }

  isListed(origin: string): boolean {
    return this.allowed.has(origin);
  }

  allowsCredentialed(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.allowed.has(origin)) return true;
    if (!host) return false;
    return origin === `http://${host}` || origin === `https://${host}`;
  }
}
