import { readFileSync, statSync } from 'node:fs';

/**
 * The deployment's `/config.json` in the static folder, as far as the server needs it: does
 * it exist, and which other API origin does it point the inbox at (that origin goes into the
 * page's `connect-src`). Read again only when the file changes.
 */
export class RuntimeConfigFile {
  private cached: { stamp: string; apiOrigins: string[] } | undefined;

  constructor(private readonly path: string) {}

  exists(): boolean {
    return this.stamp() !== undefined;
  }

  /** The origin of `apiBaseUrl` when it is an http(s) URL; none otherwise (missing or invalid file). */
  apiOrigins(): string[] {
    const stamp = this.stamp();
    if (stamp === undefined) return [];
    if (this.cached?.stamp !== stamp) this.cached = { stamp, apiOrigins: this.read() };
    return this.cached.apiOrigins;
  }

  private stamp(): string | undefined {
    try {
      const stat = statSync(this.path);
      return stat.isFile() ? `${stat.mtimeMs}:${stat.size}` : undefined;
    } catch {
      return undefined;
    }
  }

  private read(): string[] {
    try {
      const config = JSON.parse(readFileSync(this.path, 'utf8')) as { apiBaseUrl?: unknown };
      if (typeof config.apiBaseUrl !== 'string' || config.apiBaseUrl === '') return [];
      const url = new URL(config.apiBaseUrl);
      return url.protocol === 'http:' || url.protocol === 'https:' ? [url.origin] : [];
    } catch {
      // The inbox ignores an invalid file too (src/config/runtime-config.ts).
      return [];
    }
  }
}
