import { AdminError, ExitCode, usageError } from './admin-error.ts';
import { MIN_PASSWORD_CHARS, checkPassword } from './admin-input.ts';

/** The terminal or pipe a password comes from. */
export interface PasswordInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

/** Everything piped into stdin, without the one line break `echo` or a file adds at the end. */
async function readAll(input: PasswordInput): Promise<string> {
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/**
 * Reads lines typed at the terminal without echoing them: the terminal is put in raw mode,
 * so the characters reach us instead of the screen. Enter ends a line, Backspace takes one
 * character back, Ctrl-C cancels. Lines typed ahead (or pasted) wait for their prompt.
 */
class HiddenLines {
  private readonly lines: string[] = [];
  private current = '';
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly input: PasswordInput) {
    input.setRawMode!(true);
    input.setEncoding('utf8');
    input.on('data', this.onData);
    input.resume();
  }

  private readonly onData = (chunk: string | Buffer) => {
    for (const char of String(chunk)) {
      if (ENTER.has(char)) {
        this.lines.push(this.current);
        this.current = '';
      } else if (char === CTRL_C || (char === CTRL_D && this.current === '')) {
        this.failure = new AdminError('Cancelled; nothing was changed.', ExitCode.cancelled);
      } else if (BACKSPACE.has(char)) {
        this.current = [...this.current].slice(0, -1).join('');
      } else if (char >= ' ') {
        this.current += char;
      }
    }
    this.settle();
  };

  private settle(): void {
    if (!this.waiting) return;
    const { resolve, reject } = this.waiting;
    if (this.failure) reject(this.failure);
    else if (this.lines.length > 0) resolve(this.lines.shift()!);
    else return;
    this.waiting = undefined;
  }

  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.settle();
    });
  }

  close(): void {
    this.input.off('data', this.onData);
    this.input.setRawMode!(false);
    this.input.pause();
  }
}

/** Asks twice at the terminal, without echo, until the two agree. */
async function prompt(input: PasswordInput, output: NodeJS.WritableStream): Promise<string> {
  const lines = new HiddenLines(input);
  try {
    output.write(`New password (at least ${MIN_PASSWORD_CHARS} characters; it is not shown): `);
    const first = await lines.next();
    output.write('\n');
    checkPassword(first);
    output.write('Repeat the password: ');
    const second = await lines.next();
    output.write('\n');
    if (first !== second) throw usageError('The two passwords differ; nothing was changed.');
    return first;
  } finally {
    lines.close();
  }
}

/**
 * The new password, never from the command line (which other users see in `ps`): piped into
 * stdin with `--password-stdin`, else typed at the terminal. Checked against the password rules.
 */
export async function readPassword(input: PasswordInput, output: NodeJS.WritableStream, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    // At a terminal, stdin would echo what is typed: the prompt hides it.
    if (input.isTTY) throw usageError('--password-stdin reads a pipe, and stdin is a terminal: leave it out to be asked without echo.');
    return checkPassword(await readAll(input));
  }
  if (!input.isTTY || !input.setRawMode) {
    throw usageError('No terminal to ask for the password: pipe it in with --password-stdin (e.g. from a secrets file).');
  }
  return prompt(input, output);
}
