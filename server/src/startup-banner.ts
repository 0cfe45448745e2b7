import { DEMO_AGENT_SLUG, DEMO_PASSWORD, DEMO_USERS } from './storage/seed-demo-data.ts';

export interface BannerInput {
  /** Where the server answers, e.g. http://localhost:8787. */
  url: string;
  /** What the database line shows: the SQLite file, or a description without credentials. */
  database: string;
  demoData: boolean;
}

/** The command that creates a user on this deployment (the banner and `npm run admin -- --help` show it). */
export const CREATE_USER_EXAMPLE = 'npm run admin -- create-user --email you@example.com --name "Your Name"';

/**
 * What `npm start` prints once it listens. With demo data it names the demo sign-in; without,
 * it prints no password at all and says how to create the first user instead.
 */
export function startupBanner({ url, database, demoData }: BannerInput): string {
  const access = demoData
    ? [
        `  Sign in as:   ${DEMO_USERS.map((user) => user.email).join(' or ')}  password: ${DEMO_PASSWORD}`,
        `  Demo agent:   slug "${DEMO_AGENT_SLUG}"`,
      ]
    : [
        '  Demo data:    off (DEMO_DATA=false): no demo users, agents or threads',
        `  Add a user:   ${CREATE_USER_EXAMPLE}`,
        '                (it asks for the password; all commands: npm run admin -- --help)',
      ];
  return [
    '',
    `  AMA2 local server is running at ${url}`,
    `  Inbox:        ${url}/`,
    `  API:          ${url}/api/v1  (OpenAPI: ${url}/api/v1/openapi.json)`,
    `  Database:     ${database}`,
    ...access,
    '',
  ].join('\n');
}
