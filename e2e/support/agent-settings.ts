/**
 * The demo agent's owner settings (CONTRACT §7, `/agents/{slug}/settings` and
 * `/identity-secret`), driven through the owner API as Alice, for the widget specs. The
 * e2e server is shared by every spec of a run: a spec that changes a setting restores it.
 */
import { expect, type APIRequestContext } from '@playwright/test';
import { ALICE, UserApi } from './inbox.ts';

export interface AgentSettings {
  allowed_origins: string[];
  require_verified_identity: boolean;
  identity_secret_set: boolean;
  identity_secret_created_at: string | null;
  /** [ext] "A person usually replies within …" minutes; null: nothing is said. */
  expected_reply_minutes: number | null;
}

/** What a spec may change (`PUT` leaves an absent `expected_reply_minutes` as it is). */
type SettingsChange = { allowed_origins: string[]; require_verified_identity: boolean; expected_reply_minutes?: number | null };

export class AgentOwner {
  private constructor(
    private readonly request: APIRequestContext,
    private readonly token: string,
    private readonly baseURL: string,
    readonly slug: string,
  ) {}

  /** Alice, who owns the demo agent, on the server at `baseURL` (default: the config's). */
  static async alice(request: APIRequestContext, baseURL = '', slug = 'demo'): Promise<AgentOwner> {
    if (!baseURL) return new AgentOwner(request, (await UserApi.login(request, ALICE)).me.token, '', slug);
    const response = await request.post(`${baseURL}/api/v1/auth/login`, { data: { email: ALICE, password: 'password123' } });
    expect(response.status(), await response.text()).toBe(200);
    return new AgentOwner(request, ((await response.json()) as { token: string }).token, baseURL, slug);
  }

  private url(path: string): string {
    return `${this.baseURL}/api/v1/agents/${this.slug}${path}`;
  }

  private get headers() {
    return { authorization: `Bearer ${this.token}` };
  }

  async settings(): Promise<AgentSettings> {
    const response = await this.request.get(this.url('/settings'), { headers: this.headers });
    expect(response.status(), await response.text()).toBe(200);
    return (await response.json()) as AgentSettings;
  }

  async update(settings: SettingsChange): Promise<AgentSettings> {
    const response = await this.request.put(this.url('/settings'), { headers: this.headers, data: settings });
    expect(response.status(), await response.text()).toBe(200);
    return (await response.json()) as AgentSettings;
  }

  /** A new identity secret (replacing any earlier one), shown this once. */
  async newIdentitySecret(): Promise<string> {
    const response = await this.request.post(this.url('/identity-secret'), { headers: this.headers });
    expect(response.status(), await response.text()).toBe(201);
    return ((await response.json()) as { secret: string }).secret;
  }

  /** Runs `body` with the settings changed, and puts the earlier ones back whatever happens. */
  async withSettings<T>(change: Partial<SettingsChange>, body: () => Promise<T>): Promise<T> {
    const before = await this.settings();
    const original = {
      allowed_origins: before.allowed_origins,
      require_verified_identity: before.require_verified_identity,
      expected_reply_minutes: before.expected_reply_minutes,
    };
    await this.update({ ...original, ...change });
    try {
      return await body();
    } finally {
      await this.update(original);
    }
  }
}
