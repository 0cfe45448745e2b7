import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from './storage/seed-demo-data.ts';
import { startupBanner } from './startup-banner.ts';

const URL = 'http://localhost:8787';

describe('startupBanner', () => {
  it('with demo data, names the demo sign-in and agent exactly as before', () => {
    expect(startupBanner({ url: URL, database: '/srv/data/ama2.sqlite', demoData: true })).toBe(
      [
        '',
        '  AMA2 local server is running at http://localhost:8787',
        '  Inbox:        http://localhost:8787/',
        '  API:          http://localhost:8787/api/v1  (OpenAPI: http://localhost:8787/api/v1/openapi.json)',
        '  Database:     /srv/data/ama2.sqlite',
        '  Sign in as:   alice@example.com or bob@example.com  password: password123',
        '  Demo agent:   slug "demo"',
        '',
      ].join('\n'),
    );
  });

  it('without demo data, prints no password and says how to create the first user', () => {
    const banner = startupBanner({ url: URL, database: '/srv/data/ama2.sqlite', demoData: false });
    expect(banner).not.toContain(DEMO_PASSWORD);
    expect(banner).not.toMatch(/password:/i);
    expect(banner).not.toContain('alice@example.com');
    expect(banner).toContain('  Demo data:    off (DEMO_DATA=false): no demo users, agents or threads');
    expect(banner).toContain('  Add a user:   npm run admin -- create-user --email you@example.com --name "Your Name"');
    expect(banner).toContain('npm run admin -- --help');
  });
});
