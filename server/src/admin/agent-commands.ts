import { randomUUID } from 'node:crypto';
import { refused, usageError } from './admin-error.ts';
import { parseEmail, parseGreeting, parseName, parseSlug, parseThemeColor } from './admin-input.ts';
import { stringFlag, type AdminCommand } from './admin-command.ts';

/** The engine that answers for agents created here: the built-in demo agent (the only one the server has). */
const AGENT_ENGINE = 'demo';
const DEFAULT_THEME_COLOR = '#4f46e5';

const createAgent: AdminCommand = {
  name: 'create-agent',
  summary: 'add an agent (answered by the demo engine) with its owners; prints the new agent id',
  usage: '--slug S --name N --owner E [--owner E2 …] [--greeting TEXT] [--theme-color #rrggbb]',
  help: [
    "Owners are existing users, by email: they see its visitors' conversations and manage its",
    `settings in the inbox. The greeting defaults to "Hi! I am <name>. How can I help?", the colour to ${DEFAULT_THEME_COLOR}.`,
  ],
  options: {
    slug: { type: 'string' },
    name: { type: 'string' },
    owner: { type: 'string', multiple: true },
    greeting: { type: 'string' },
    'theme-color': { type: 'string' },
  },
  required: ['slug', 'name', 'owner'],
  prepare(flags) {
    const slug = parseSlug(stringFlag(flags, 'slug')!);
    const name = parseName(stringFlag(flags, 'name')!);
    const owners = [...new Set((flags.owner as string[]).map((owner) => parseEmail(owner, '--owner')))];
    const rawGreeting = stringFlag(flags, 'greeting');
    const greeting = rawGreeting === undefined ? `Hi! I am ${name}. How can I help?` : parseGreeting(rawGreeting);
    const rawColor = stringFlag(flags, 'theme-color');
    const themeColor = rawColor === undefined ? DEFAULT_THEME_COLOR : parseThemeColor(rawColor);
    if (owners.length === 0) throw usageError('Give at least one --owner.');
    return async ({ storage, print, note }) => {
      const taken = () => refused(`An agent with the slug "${slug}" exists already; pick another --slug.`);
      if (await storage.agents.bySlug(slug)) throw taken();
      const users = await Promise.all(owners.map((email) => storage.users.byEmail(email)));
      const unknown = owners.filter((_, index) => !users[index]);
      if (unknown.length > 0) {
        throw refused(`No user has the email ${unknown.join(', ')}; create them first (npm run admin -- create-user) or fix --owner.`);
      }
      const id = randomUUID();
      try {
        await storage.agents.create(
          { id, slug, name, avatarUrl: null, greeting, themeColor, engine: AGENT_ENGINE },
          users.map((user) => user!.id),
        );
      } catch (error) {
        if (await storage.agents.bySlug(slug)) throw taken();
        throw error;
      }
      print(id);
      note(`Created the agent "${slug}" (${name}), owned by ${owners.join(', ')}.`);
    };
  },
};

const listAgents: AdminCommand = {
  name: 'list-agents',
  summary: 'one line per agent: id, slug, name, engine, owner emails (tab-separated; owners sorted, comma-separated)',
  usage: '',
  help: [],
  options: {},
  required: [],
  prepare() {
    return async ({ storage, print }) => {
      for (const agent of await storage.agents.list()) {
        const owners = await storage.users.many(await storage.agents.owners(agent.id));
        print(
          [
            agent.id,
            agent.slug,
            agent.name,
            agent.engine,
            owners
              .map((user) => user.email)
              .sort()
              .join(','),
          ].join('\t'),
        );
      }
    };
  },
};

export const agentCommands: readonly AdminCommand[] = [createAgent, listAgents];
