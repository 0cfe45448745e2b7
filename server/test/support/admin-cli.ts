import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { withDataKey } from './data-key.ts';

const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');
const ADMIN_MAIN = 'server/src/admin/main.ts';
const SERVER_MAIN = 'server/src/main.ts';
/** How long a child process may take to start (tsx compiles on the fly) before a test gives up. */
const START_TIMEOUT_MS = 20_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A child's environment: PATH and HOME, and the given settings (on PostgreSQL with the run's
 * data encryption key, as the test servers there have). Nothing else of the test runner's
 * environment leaks in (a DATABASE_URL there would point the child elsewhere).
 */
export const childEnv = (settings: Record<string, string>): NodeJS.ProcessEnv =>
  withDataKey({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...settings,
  });

function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Runs `npm run admin -- <args>` as the real process, with `input` piped into its stdin (a pipe, not a terminal). */
export function runAdminCli(args: readonly string[], settings: Record<string, string>, input?: string): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', ADMIN_MAIN, ...args], { cwd: REPO, env: childEnv(settings) });
  const result = collect(child);
  child.stdin!.end(input);
  return result;
}

const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/**
 * Runs the admin command in a real pseudo-terminal (util-linux `script`), answering each
 * prompt in turn once it appears: what a person at a terminal sees is `output`.
 */
export function runAdminInTerminal(
  args: readonly string[],
  settings: Record<string, string>,
  answers: readonly { prompt: string; type: string }[],
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, '--import', 'tsx', ADMIN_MAIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { cwd: REPO, env: childEnv(settings) });
  let output = '';
  let next = 0;
  /** Where the search for the next prompt starts: after the last prompt answered. */
  let from = 0;
  // Each answer goes once its prompt has been printed: the terminal is in raw mode by then.
  const answerPrompts = () => {
    while (next < answers.length) {
      const at = output.indexOf(answers[next]!.prompt, from);
      if (at < 0) return;
      from = at + answers[next]!.prompt.length;
      child.stdin.write(answers[next]!.type);
      next++;
    }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    answerPrompts();
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

export interface ServerProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  /** What the process printed on stdout: the banner and its log lines. */
  stdout(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real server (`node server/src/main.ts`, as `npm run serve`) on an ephemeral port;
 * its output also goes to the run's log folder, which is checked for leaked tokens.
 */
export function startServerProcess(settings: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_MAIN], {
    cwd: REPO,
    env: childEnv({ PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '/nonexistent-static-dir', LOG_LEVEL: 'info', ...settings }),
  });
  const log = createWriteStream(join(inject('logDir'), `${randomUUID()}.log`));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    log.write(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((done) => child.on('close', () => log.end(done)));
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`the server did not start within ${START_TIMEOUT_MS} ms: ${stdout}${stderr}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const port = /running at http:\/\/localhost:(\d+)/.exec(stdout)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolveStart({
        url: `http://127.0.0.1:${port}`,
        stdout: () => stdout,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`the server exited (${code}) before it listened: ${stdout}${stderr}`));
    });
  });
}
