import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { openStorage } from '../storage/open-storage.ts';
import { AdminError, ExitCode, usageError } from './admin-error.ts';
import type { AdminCommand, AdminIo, Flags } from './admin-command.ts';
import { agentCommands } from './agent-commands.ts';
import { userCommands } from './user-commands.ts';
import { privacyCommands } from './privacy-commands.ts';

const COMMANDS = new Map([...userCommands, ...agentCommands, ...privacyCommands].map((command) => [command.name, command]));
const HELP_FLAGS = new Set(['--help', '-h']);
const NAME_WIDTH = Math.max(...[...COMMANDS.keys()].map((name) => name.length)) + 2;

function generalHelp(): string {
  const commands = [...COMMANDS.values()].map(
    (command) => `  ${command.name.padEnd(NAME_WIDTH)}${command.usage}`.trimEnd() + `\n  ${' '.repeat(NAME_WIDTH)}${command.summary}`,
  );
  return [
    'Usage: npm run admin -- <command> [flags]',
    '',
    'Manages the users and agents of the database the server is configured with: the SQLite file',
    'of DATABASE_PATH (default ./data/ama2.sqlite), or PostgreSQL when DATABASE_URL is set. Run',
    'it with the same environment as the server; a running server need not be stopped.',
    '',
    'Commands:',
    ...commands,
    '',
    'npm run admin -- <command> --help   more about one command',
    '',
    'Exit codes: 0 done; 1 refused (email or slug taken, no such user); 2 bad command line or',
    'input (unknown command or flag, missing or malformed value, weak password, bad setting);',
    '3 failed otherwise (e.g. the database cannot be opened). For scripts, `npm run -s admin -- …`',
    "leaves out npm's own lines, so stdout holds only the result (an id, or one line per row).",
    '',
  ].join('\n');
}

function commandHelp(command: AdminCommand): string {
  return [
    `Usage: npm run admin -- ${command.name} ${command.usage}`.trimEnd(),
    '',
    `  ${command.summary}`,
    ...command.help.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/** The quoted name in one of `parseArgs`' messages (`Unknown option '--x'`). */
const quoted = (message: string) => /'([^']*)'/.exec(message)?.[1] ?? '';

/** `parseArgs`' errors, said the way the rest of this tool says things. */
function flagProblem(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Unknown flag ${quoted(message)}.`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return `Unexpected "${quoted(message)}": every value follows its flag (e.g. --email ana@example.com).`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = quoted(message).split(' ')[0];
    return message.includes('does not take') ? `${flag} takes no value.` : `${flag} needs a value.`;
  }
  return message;
}

function parseFlags(command: AdminCommand, args: string[]): Flags {
  const seeHelp = `See: npm run admin -- ${command.name} --help`;
  let parsed;
  try {
    parsed = parseArgs({ args, options: command.options, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    throw usageError(`${flagProblem(error)} ${seeHelp}`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || command.options[token.name]?.multiple) continue;
    if (seen.has(token.name)) throw usageError(`--${token.name} is given twice; give it once.`);
    seen.add(token.name);
  }
  const missing = command.required.filter((name) => parsed.values[name] === undefined);
  if (missing.length > 0) {
    throw usageError(`Missing ${missing.map((name) => `--${name}`).join(', ')}. Usage: npm run admin -- ${command.name} ${command.usage}`);
  }
  return parsed.values as Flags;
}

/** The configured storage; a failure to open it says so (a bad setting stays a configuration error). */
async function open(env: NodeJS.ProcessEnv) {
  try {
    const config = loadConfig(env);
    return { config, storage: await openStorage(config) };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new AdminError(`Cannot open the database: ${error instanceof Error ? error.message : String(error)}`, ExitCode.failed);
  }
}

async function run(argv: readonly string[], io: AdminIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr.write(generalHelp());
    return ExitCode.usage;
  }
  if (HELP_FLAGS.has(name) || name === 'help') {
    const topic = args[0] === undefined ? undefined : COMMANDS.get(args[0]);
    if (args[0] !== undefined && !topic) throw usageError(`Unknown command "${args[0]}". See: npm run admin -- --help`);
    io.stdout.write(topic ? commandHelp(topic) : generalHelp());
    return ExitCode.ok;
  }
  const command = COMMANDS.get(name);
  if (!command) {
    throw usageError(`Unknown command "${name}". Commands: ${[...COMMANDS.keys()].join(', ')}. See: npm run admin -- --help`);
  }
  if (args.some((arg) => HELP_FLAGS.has(arg))) {
    io.stdout.write(commandHelp(command));
    return ExitCode.ok;
  }
  const execute = command.prepare(parseFlags(command, args));
  const { config, storage } = await open(io.env);
  try {
    await execute({
      config,
      storage,
      io,
      print: (line) => io.stdout.write(`${line}\n`),
      note: (line) => io.stderr.write(`${line}\n`),
    });
  } finally {
    await storage.close();
  }
  return ExitCode.ok;
}

/**
 * `npm run admin -- <command> [flags]`: runs one command and resolves with the exit code.
 * Every failure is one line on stderr that says what is wrong, never a stack trace.
 */
export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    const [message, code] =
      error instanceof AdminError
        ? [error.message, error.exitCode]
        : error instanceof ConfigError
          ? [`Configuration error: ${error.message}`, ExitCode.usage]
          : [error instanceof Error ? error.message : String(error), ExitCode.failed];
    io.stderr.write(`admin: ${message}\n`);
    return code;
  }
}
