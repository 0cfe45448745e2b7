import { randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/passwords.ts';
import type { Storage, UserRecord } from '../storage/storage.ts';
import { refused } from './admin-error.ts';
import { MIN_PASSWORD_CHARS, parseEmail, parseName } from './admin-input.ts';
import { stringFlag, type AdminCommand, type CommandContext } from './admin-command.ts';
import { readPassword } from './read-password.ts';

const PASSWORD_HELP = [
  `The password is at least ${MIN_PASSWORD_CHARS} characters. It is never taken from the command line (anyone on the`,
  'machine can read that in `ps`): you are asked for it, without echo, or with --password-stdin it is',
  'read from stdin, e.g. `npm run -s admin -- create-user … --password-stdin < secret.txt` (one',
  'trailing line break is dropped).',
];

const passwordOption = { 'password-stdin': { type: 'boolean' } } as const;

async function userByEmail(storage: Storage, email: string): Promise<UserRecord> {
  const user = await storage.users.byEmail(email);
  if (!user) throw refused(`No user has the email ${email}; see: npm run admin -- list-users`);
  return user;
}

const passwordOf = (context: CommandContext, fromStdin: boolean) => readPassword(context.io.stdin, context.io.stderr, fromStdin);

const createUser: AdminCommand = {
  name: 'create-user',
  summary: 'add a user who can sign in; prints the new user id',
  usage: '--email E --name N [--password-stdin]',
  help: PASSWORD_HELP,
  options: { email: { type: 'string' }, name: { type: 'string' }, ...passwordOption },
  required: ['email', 'name'],
  prepare(flags) {
    const email = parseEmail(stringFlag(flags, 'email')!);
    const name = parseName(stringFlag(flags, 'name')!);
    return async (context) => {
      const taken = () =>
        refused(`A user with the email ${email} exists already; to change their password: npm run admin -- set-password --email ${email}`);
      if (await context.storage.users.byEmail(email)) throw taken();
      const passwordHash = await hashPassword(await passwordOf(context, flags['password-stdin'] === true));
      const id = randomUUID();
      try {
        await context.storage.users.create({ id, email, name, avatarUrl: null, passwordHash });
      } catch (error) {
        // Another administrator was quicker with the same email.
        if (await context.storage.users.byEmail(email)) throw taken();
        throw error;
      }
      context.print(id);
      context.note(`Created ${name} <${email}>; they can sign in now.`);
    };
  },
};

const setPassword: AdminCommand = {
  name: 'set-password',
  summary: "replace a user's password and end their sessions",
  usage: '--email E [--password-stdin]',
  help: [
    ...PASSWORD_HELP,
    'Every session signed in before ends, on every server process: its token gets 401 at once,',
    'open sockets and event streams close at the next account re-check (ACCOUNT_RECHECK_MS).',
  ],
  options: { email: { type: 'string' }, ...passwordOption },
  required: ['email'],
  prepare(flags) {
    const email = parseEmail(stringFlag(flags, 'email')!);
    return async (context) => {
      const user = await userByEmail(context.storage, email);
      const passwordHash = await hashPassword(await passwordOf(context, flags['password-stdin'] === true));
      if (!(await context.storage.users.setPassword(user.id, passwordHash))) throw refused(`The user ${email} no longer exists.`);
      context.print(`Password changed for ${email}.`);
    };
  },
};

function setDisabled(disabled: boolean): AdminCommand {
  const verb = disabled ? 'disabled' : 'enabled';
  return {
    name: disabled ? 'disable-user' : 'enable-user',
    summary: disabled ? 'stop a user from signing in; their tokens and open sessions stop working' : 'let a disabled user sign in again',
    usage: '--email E',
    help: disabled
      ? [
          'Sign-in is refused (403) and every request with a token issued before gets 401, at once.',
          'Open sockets and event streams on running servers close at their next account re-check',
          '(ACCOUNT_RECHECK_MS, 15 s by default). Nothing the user wrote is removed.',
        ]
      : ['Tokens issued before the user was disabled work again until they expire.'],
    options: { email: { type: 'string' } },
    required: ['email'],
    prepare(flags) {
      const email = parseEmail(stringFlag(flags, 'email')!);
      return async (context) => {
        const user = await userByEmail(context.storage, email);
        if (user.disabled === disabled) {
          context.print(`${email} is already ${verb}.`);
          return;
        }
        if (!(await context.storage.users.setDisabled(user.id, disabled))) throw refused(`The user ${email} no longer exists.`);
        context.print(`${email} is ${verb}.`);
        if (disabled) context.note('Open sessions on running servers close within ACCOUNT_RECHECK_MS (15 s by default).');
      };
    },
  };
}

const listUsers: AdminCommand = {
  name: 'list-users',
  summary: 'one line per user: id, email, name, active|disabled, created (tab-separated)',
  usage: '',
  help: [],
  options: {},
  required: [],
  prepare() {
    return async (context) => {
      for (const user of await context.storage.users.list()) {
        context.print([user.id, user.email, user.name, user.disabled ? 'disabled' : 'active', user.createdAt].join('\t'));
      }
    };
  },
};

export const userCommands: readonly AdminCommand[] = [createUser, setPassword, setDisabled(true), setDisabled(false), listUsers];
