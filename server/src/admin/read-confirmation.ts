import { createInterface } from 'node:readline';
import { AdminError, ExitCode, usageError } from './admin-error.ts';
import type { PasswordInput } from './read-password.ts';

/**
 * Asks at the terminal before something that cannot be undone: the person types `word`
 * (anything else, Ctrl-C or Ctrl-D cancels, exit 130, nothing changed). Without a terminal
 * (a script, a pipe) there is nobody to ask: the command is refused unless `--yes` was given,
 * so a forgotten flag never erases by itself.
 */
export async function readConfirmation(input: PasswordInput, output: NodeJS.WritableStream, question: string, word: string): Promise<void> {
  if (!input.isTTY) throw usageError(`No terminal to confirm at: add --yes to go ahead without being asked.`);
  const lines = createInterface({ input, output, terminal: true });
  const cancelled = () => new AdminError('Cancelled; nothing was changed.', ExitCode.cancelled);
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      lines.on('SIGINT', () => reject(cancelled()));
      lines.on('close', () => reject(cancelled()));
      lines.question(`${question} Type "${word}" to go ahead: `, resolve);
    });
    if (answer.trim() !== word) throw cancelled();
  } finally {
    lines.removeAllListeners('close');
    lines.close();
    input.pause();
  }
}
