/** Exit codes of `npm run admin` (its `--help` lists them). */
export const ExitCode = {
  ok: 0,
  /** The database says no: the email or slug is taken, no user has that email. */
  refused: 1,
  /** The command line is wrong: unknown command or option, a missing or malformed value, a weak password. */
  usage: 2,
  /** Something else failed (the database could not be opened, say); the message says what. */
  failed: 3,
  /** Ctrl-C at a password prompt. */
  cancelled: 130,
} as const;

/** An error meant for the administrator: its message is printed as it is, and the process exits with its code. */
export class AdminError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new AdminError(message, ExitCode.usage);
export const refused = (message: string) => new AdminError(message, ExitCode.refused);
