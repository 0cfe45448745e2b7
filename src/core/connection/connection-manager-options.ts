import type { Environment } from '../environment/environment.ts';
import type { Transport } from './transport.ts';

/** What a {@link ConnectionManager} is made from, and what it tells its owner. */
export interface ConnectionManagerOptions {
  /** A new WebSocket transport, for every attempt. */
  createSocket(): Transport;
  /** A new fallback (SSE or polling), used while the socket keeps failing; null for none. */
  createFallback?(): Transport | null;
  environment: Environment;
  /**
   * Asked once after the server refused the token (4001): resolve true when there is a new
   * token (the next attempt uses it), false to give up (state `failed`).
   */
  refreshAuth?(): Promise<boolean>;
  maxSocketFailuresBeforeFallback?: number;
  /** The visitor's public socket: a 4001 is terminal (see {@link classifyClose}). */
  publicSocket?: boolean;
  /**
   * Told about every frame dropped for failing validation: its type and why, never its
   * content. Defaults to a console warning.
   */
  onInvalidFrame?(type: string | null, reason: string): void;
}

/** The default {@link ConnectionManagerOptions.onInvalidFrame}. */
export function warnInvalidFrame(type: string | null, reason: string): void {
  console.warn(`Dropped an invalid ${type ? `"${type}" ` : ''}frame: ${reason}.`);
}
