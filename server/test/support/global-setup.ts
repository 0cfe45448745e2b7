import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** A JWT anywhere in a log line: three base64url parts, the first one a JSON header. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
const AGENT_TOKEN_PATTERN = /ama_eat_[A-Za-z0-9_-]{8,}/;
/** Visitor tokens and identity secrets (CONTRACT §7). */
const VISITOR_SECRET_PATTERN = /\b(?:vt|ais)_[A-Za-z0-9_-]{16,}/;

declare module 'vitest' {
  export interface ProvidedContext {
    logDir: string;
  }
}

/**
 * Every test server of the run writes its log into one folder; when the run ends, the
 * folder is searched for tokens. A token in any log line fails the run.
 */
export default function setup(project: TestProject) {
  const logDir = mkdtempSync(join(tmpdir(), 'ama2-test-logs-'));
  project.provide('logDir', logDir);
  return () => {
    const leaks: string[] = [];
    for (const file of readdirSync(logDir)) {
      const lines = readFileSync(join(logDir, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (JWT_PATTERN.test(line) || AGENT_TOKEN_PATTERN.test(line) || VISITOR_SECRET_PATTERN.test(line)) leaks.push(`${file}:${index + 1}`);
      });
    }
    rmSync(logDir, { recursive: true, force: true });
    if (leaks.length > 0) throw new Error(`Server logs contain tokens at ${leaks.slice(0, 10).join(', ')}`);
  };
}
