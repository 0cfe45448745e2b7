import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli, runAdminInTerminal, type CliResult } from '../../test/support/admin-cli.ts';

const PASSWORD = 'correct horse battery';
const COMMAND_LIST =
  'create-user, set-password, disable-user, enable-user, list-users, create-agent, list-agents, export-visitor, erase-visitor, audit';
const CREATE_USER_USAGE = 'npm run admin -- create-user --email E --name N [--password-stdin]';

let dir: string;
let env: Record<string, string>;

/** A refusal: one line on stderr that says what is wrong (never a stack trace), nothing on stdout. */
function expectRefusal(result: CliResult, code: number, message: string) {
  expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code, stdout: '', stderr: `admin: ${message}\n` });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ama2-admin-'));
  env = { DATABASE_PATH: join(dir, 'db.sqlite') };
  const ana = await runAdminCli(['create-user', '--email', 'ana@example.com', '--name', 'Ana', '--password-stdin'], env, `${PASSWORD}\n`);
  expect(ana.code).toBe(0);
  const agent = await runAdminCli(['create-agent', '--slug', 'taken', '--name', 'Taken', '--owner', 'ana@example.com'], env);
  expect(agent.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run admin: help', () => {
  it('--help lists every command with its flags, the exit codes and the password rule; exit 0', async () => {
    const help = await runAdminCli(['--help'], env);
    expect(help.code).toBe(0);
    for (const name of COMMAND_LIST.split(', ')) expect(help.stdout).toContain(`  ${name}`);
    expect(help.stdout).toContain('Exit codes: 0 done; 1 refused');
    const command = await runAdminCli(['create-user', '--help'], env);
    expect(command.code).toBe(0);
    expect(command.stdout).toContain(`Usage: ${CREATE_USER_USAGE}`);
    expect(command.stdout).toContain('The password is at least 12 characters.');
  });

  it('no command prints the help on stderr and exits 2', async () => {
    const result = await runAdminCli([], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: npm run admin -- <command> \[flags\]/);
  });
});

describe.concurrent('npm run admin: every bad input gets one clear line and a non-zero exit', () => {
  const cases: [string, string[], string | undefined, number, string][] = [
    ['unknown command', ['frob'], undefined, 2, `Unknown command "frob". Commands: ${COMMAND_LIST}. See: npm run admin -- --help`],
    ['unknown help topic', ['help', 'frob'], undefined, 2, 'Unknown command "frob". See: npm run admin -- --help'],
    ['unknown flag', ['list-users', '--all'], undefined, 2, 'Unknown flag --all. See: npm run admin -- list-users --help'],
    ['missing flag', ['create-user', '--email', 'cy@example.com'], undefined, 2, `Missing --name. Usage: ${CREATE_USER_USAGE}`],
    ['flag without value', ['create-user', '--email'], undefined, 2, '--email needs a value. See: npm run admin -- create-user --help'],
    [
      'stray value',
      ['create-user', 'cy@example.com'],
      undefined,
      2,
      'Unexpected "cy@example.com": every value follows its flag (e.g. --email ana@example.com). See: npm run admin -- create-user --help',
    ],
    [
      'flag given twice',
      ['create-user', '--email', 'cy@example.com', '--email', 'di@example.com', '--name', 'Cy'],
      undefined,
      2,
      '--email is given twice; give it once.',
    ],
    [
      'value on a switch',
      ['create-user', '--email', 'cy@example.com', '--name', 'Cy', '--password-stdin=yes'],
      undefined,
      2,
      '--password-stdin takes no value. See: npm run admin -- create-user --help',
    ],
    [
      'bad email',
      ['create-user', '--email', 'cy.example.com', '--name', 'Cy', '--password-stdin'],
      PASSWORD,
      2,
      '--email "cy.example.com" is not an email address such as ana@example.com.',
    ],
    [
      'empty name',
      ['create-user', '--email', 'cy@example.com', '--name', '  ', '--password-stdin'],
      PASSWORD,
      2,
      '--name is empty; give a name such as "Ana Lima".',
    ],
    [
      'name with a line break',
      ['create-user', '--email', 'cy@example.com', '--name', 'Cy\nSmith', '--password-stdin'],
      PASSWORD,
      2,
      '--name contains a control character (a line break or tab, say).',
    ],
    [
      'duplicate email, in any case',
      ['create-user', '--email', 'ANA@Example.com', '--name', 'Ana again', '--password-stdin'],
      PASSWORD,
      1,
      'A user with the email ana@example.com exists already; to change their password: npm run admin -- set-password --email ana@example.com',
    ],
    [
      'short password',
      ['create-user', '--email', 'cy@example.com', '--name', 'Cy', '--password-stdin'],
      'short\n',
      2,
      'The password is too short: use at least 12 characters (it has 5).',
    ],
    ['empty password', ['create-user', '--email', 'cy@example.com', '--name', 'Cy', '--password-stdin'], '\n', 2, 'The password is empty.'],
    [
      'no password and no terminal',
      ['create-user', '--email', 'cy@example.com', '--name', 'Cy'],
      PASSWORD,
      2,
      'No terminal to ask for the password: pipe it in with --password-stdin (e.g. from a secrets file).',
    ],
    [
      'set-password of an unknown user',
      ['set-password', '--email', 'nobody@example.com', '--password-stdin'],
      PASSWORD,
      1,
      'No user has the email nobody@example.com; see: npm run admin -- list-users',
    ],
    [
      'set-password with a short password',
      ['set-password', '--email', 'ana@example.com', '--password-stdin'],
      'tiny',
      2,
      'The password is too short: use at least 12 characters (it has 4).',
    ],
    [
      'disable an unknown user',
      ['disable-user', '--email', 'nobody@example.com'],
      undefined,
      1,
      'No user has the email nobody@example.com; see: npm run admin -- list-users',
    ],
    ['enable a bad email', ['enable-user', '--email', 'x'], undefined, 2, '--email "x" is not an email address such as ana@example.com.'],
    [
      'bad slug',
      ['create-agent', '--slug', 'Support Bot', '--name', 'S', '--owner', 'ana@example.com'],
      undefined,
      2,
      '--slug "Support Bot" is not a slug: use 1 to 64 lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. support-bot).',
    ],
    [
      'duplicate slug',
      ['create-agent', '--slug', 'taken', '--name', 'S', '--owner', 'ana@example.com'],
      undefined,
      1,
      'An agent with the slug "taken" exists already; pick another --slug.',
    ],
    [
      'unknown owners',
      [
        'create-agent',
        '--slug',
        'fresh',
        '--name',
        'S',
        '--owner',
        'ana@example.com',
        '--owner',
        'x@example.com',
        '--owner',
        'y@example.com',
      ],
      undefined,
      1,
      'No user has the email x@example.com, y@example.com; create them first (npm run admin -- create-user) or fix --owner.',
    ],
    [
      'bad owner email',
      ['create-agent', '--slug', 'fresh', '--name', 'S', '--owner', 'ana'],
      undefined,
      2,
      '--owner "ana" is not an email address such as ana@example.com.',
    ],
    [
      'no owner',
      ['create-agent', '--slug', 'fresh', '--name', 'S'],
      undefined,
      2,
      'Missing --owner. Usage: npm run admin -- create-agent --slug S --name N --owner E [--owner E2 …] [--greeting TEXT] [--theme-color #rrggbb]',
    ],
    [
      'bad colour',
      ['create-agent', '--slug', 'fresh', '--name', 'S', '--owner', 'ana@example.com', '--theme-color', 'red'],
      undefined,
      2,
      '--theme-color "red" is not a colour of the form #rrggbb (e.g. #4f46e5).',
    ],
    [
      'empty greeting',
      ['create-agent', '--slug', 'fresh', '--name', 'S', '--owner', 'ana@example.com', '--greeting', ''],
      undefined,
      2,
      '--greeting is empty; leave it out for the default greeting.',
    ],
  ];

  it.each(cases)('%s', async (_label, args, input, code, message) => {
    expectRefusal(await runAdminCli(args, env, input), code, message);
  });

  it('a bad setting is a configuration error (exit 2)', async () => {
    expectRefusal(
      await runAdminCli(['list-users'], { ...env, PORT: 'eighty' }),
      2,
      'Configuration error: PORT must be a whole number from 0 to 65535, got "eighty".',
    );
  });

  it('a database that cannot be opened is exit 3, said in one line', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expectRefusal(
      await runAdminCli(['list-users'], { DATABASE_PATH: join(file, 'db.sqlite') }),
      3,
      `Cannot open the database: EEXIST: file already exists, mkdir '${file}'`,
    );
  });
});

describe('npm run admin: at a terminal', () => {
  const ask = { prompt: 'New password (at least 12 characters; it is not shown): ', type: '' };
  const repeat = { prompt: 'Repeat the password: ', type: '' };
  const args = ['create-user', '--email', 'tty@example.com', '--name', 'Tty'];

  it('two different passwords change nothing (exit 2)', async () => {
    const result = await runAdminInTerminal(args, env, [
      { ...ask, type: 'first-password-1\r' },
      { ...repeat, type: 'other-password-2\r' },
    ]);
    expect(result.code).toBe(2);
    expect(result.output).toContain('admin: The two passwords differ; nothing was changed.');
    expect(result.output).not.toContain('first-password-1');
    expect(result.output).not.toContain('other-password-2');
  });

  it('a short password is refused before it is asked again (exit 2)', async () => {
    const result = await runAdminInTerminal(args, env, [{ ...ask, type: 'short\r' }]);
    expect(result.code).toBe(2);
    expect(result.output).toContain('admin: The password is too short: use at least 12 characters (it has 5).');
    expect(result.output).not.toContain(repeat.prompt);
  });

  it('--password-stdin at a terminal is refused, so that the password is never echoed (exit 2)', async () => {
    const result = await runAdminInTerminal([...args, '--password-stdin'], env, []);
    expect(result.code).toBe(2);
    expect(result.output).toContain(
      'admin: --password-stdin reads a pipe, and stdin is a terminal: leave it out to be asked without echo.',
    );
  });

  it('Ctrl-C at the prompt cancels (exit 130)', async () => {
    const result = await runAdminInTerminal(args, env, [{ ...ask, type: 'half\u0003' }]);
    expect(result.code).toBe(130);
    expect(result.output).toContain('admin: Cancelled; nothing was changed.');
  });

  it('none of the refused attempts created anyone', async () => {
    const list = await runAdminCli(['list-users'], env);
    expect(list.code).toBe(0);
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[1]),
    ).toEqual(['ana@example.com']);
  });
});
