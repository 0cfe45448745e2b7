import { dirname, join, resolve } from 'node:path';
import { DEFAULT_UNUSED_TTL_MS, DEFAULT_USER_MAX_BYTES, DEFAULT_VISITOR_UPLOADS_PER_MIN, LARGEST_MAX_BYTES } from './attachment-kinds.ts';
import { wholeSetting } from '../whole-setting.ts';

/** The attachment settings of a server process (environment; CONTRACT §13). */
export interface AttachmentConfig {
  /** `ATTACHMENTS_DIR`: the folder of the files. Default: `attachments/` beside the SQLite file. */
  dir: string;
  /**
   * `ATTACHMENTS_DIR` was set. With `DATABASE_URL` that means the files are in this folder,
   * which every process mounts; unset, PostgreSQL keeps the bytes (`attachment_chunks`).
   */
  dirSet: boolean;
  /** `ATTACHMENT_MAX_BYTES`: the largest upload of a signed-in user or an agent (25 MiB). */
  maxBytes: number;
  /** `ATTACHMENT_UNUSED_TTL_MS`: uploads no message used are deleted this long after (24 h; shorter in tests). */
  unusedTtlMs: number;
  /** `ATTACHMENT_SWEEP_MS`: how often the process holding the sweep's lease looks for them (a tenth of the TTL, at most an hour). */
  sweepMs: number;
  /** `RATE_LIMIT_UPLOADS_PER_MIN`: visitors' uploads per client address and minute (10). */
  visitorUploadsPerMinute: number;
}

const HOUR_MS = 60 * 60_000;

/** Reads the attachment settings; throws with a readable message on a bad value. */
export function parseAttachmentConfig(env: NodeJS.ProcessEnv, databasePath: string): AttachmentConfig {
  const unusedTtlMs = wholeSetting(env, 'ATTACHMENT_UNUSED_TTL_MS', DEFAULT_UNUSED_TTL_MS, 1, 365 * 24 * HOUR_MS);
  const fallbackDir = databasePath === ':memory:' ? join(process.cwd(), 'data', 'attachments') : join(dirname(databasePath), 'attachments');
  return {
    dir: env.ATTACHMENTS_DIR ? resolve(env.ATTACHMENTS_DIR) : fallbackDir,
    dirSet: Boolean(env.ATTACHMENTS_DIR),
    maxBytes: wholeSetting(env, 'ATTACHMENT_MAX_BYTES', DEFAULT_USER_MAX_BYTES, 1, LARGEST_MAX_BYTES),
    unusedTtlMs,
    sweepMs: wholeSetting(env, 'ATTACHMENT_SWEEP_MS', Math.min(HOUR_MS, Math.max(50, Math.round(unusedTtlMs / 10))), 50, 24 * HOUR_MS),
    visitorUploadsPerMinute: wholeSetting(env, 'RATE_LIMIT_UPLOADS_PER_MIN', DEFAULT_VISITOR_UPLOADS_PER_MIN, 1, 1_000_000),
  };
}
