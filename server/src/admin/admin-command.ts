import type { ParseArgsConfig } from 'node:util';
import type { ServerConfig } from '../config.ts';
import type { Storage } from '../storage/storage.ts';
import type { PasswordInput } from './read-password.ts';

/** Where the command reads and writes: the process's streams, or a test's. */
export interface AdminIo {
  stdin: PasswordInput;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** What a prepared command runs with, once the database is open. */
export interface CommandContext {
  /** The settings the server would run with (the same environment). */
  config: ServerConfig;
  storage: Storage;
  io: AdminIo;
  /** One line of the command's result on stdout (an id, a row): what scripts read. */
  print(line: string): void;
  /** One line for the person at the terminal on stderr: confirmations and hints. */
  note(line: string): void;
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

/** One `npm run admin -- <name>` command. */
export interface AdminCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The flags, as the usage line shows them. */
  usage: string;
  /** More lines for `<name> --help`. */
  help: readonly string[];
  options: NonNullable<ParseArgsConfig['options']>;
  /** Flags that must be given. */
  required: readonly string[];
  /**
   * Checks the flags (before any database is opened, so bad input changes nothing) and
   * returns what to run; throws an {@link AdminError} that says what is wrong.
   */
  prepare(flags: Flags): (context: CommandContext) => Promise<void>;
}

/** A string flag's value (its presence is checked beforehand for required flags). */
export const stringFlag = (flags: Flags, name: string): string | undefined => {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
};
