import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newIdentitySecret } from '../auth/identity-tokens.ts';
import { hashAgentToken, newAgentToken } from '../auth/tokens.ts';
import { normalizeAllowedOrigins } from '../http/allowed-origins.ts';
import { checkWebsiteUrl, MAX_WEBSITE_URL_LENGTH } from '../http/website-url.ts';
import { MAX_EXPECTED_REPLY_MINUTES } from '../../../src/core/protocol/limits.ts';
import { requireUser } from '../http/authenticate.ts';
import { ApiError, badRequest, notFound } from '../http/errors.ts';
import {
  agentSettingsResponse,
  agentTokenListResponse,
  errorResponses,
  issuedAgentTokenResponse,
  issuedIdentitySecretResponse,
  slugParams,
} from '../http/schemas.ts';
import type { AgentRecord, AgentTokenRecord } from '../storage/storage.ts';
import type { AppContext } from './app-context.ts';
import { auditEntry } from '../privacy/audit-entry.ts';
import { userSenderId } from '../threads/principal.ts';
import {
  attachmentSettingsSchema,
  visitorAttachmentPolicyOf,
  visitorAttachmentSettingsOf,
  type AttachmentSettingsBody,
} from '../attachments/visitor-attachment-settings.ts';

/** How many characters of an agent token are kept to tell tokens apart (`ama_eat_` + 4). */
const AGENT_TOKEN_PREFIX_LENGTH = 12;
/** Ceiling on the raw list before normalization; the real limit (50) is checked with a clear message. */
const MAX_RAW_ORIGINS = 500;
/** The shortest retention (CONTRACT §14): one minute, in days. */
export const MIN_RETENTION_DAYS = 1 / (24 * 60);
/** The longest retention a number may say: ten years (longer is "forever", null). */
export const MAX_RETENTION_DAYS = 3_650;

const settingsOf = (agent: AgentRecord) => ({
  allowed_origins: agent.allowedOrigins,
  require_verified_identity: agent.requireVerifiedIdentity,
  identity_secret_set: agent.identitySecret !== null,
  identity_secret_created_at: agent.identitySecretCreatedAt,
  expected_reply_minutes: agent.expectedReplyMinutes,
  website_url: agent.websiteUrl,
  email_follow_up: agent.emailFollowUp,
  attachments: visitorAttachmentSettingsOf(agent),
  retention_days: agent.retentionDays ?? null,
});

interface SettingsBody {
  allowed_origins: string[];
  require_verified_identity: boolean;
  /** [ext] Left out: unchanged (clients from before it keep working); null: nothing is said. */
  expected_reply_minutes?: number | null;
  /** [ext] Left out: unchanged; null: none (then no follow-up email can link back). */
  website_url?: string | null;
  /** [ext] Left out: unchanged. */
  email_follow_up?: boolean;
  /** [ext] What visitors may upload (CONTRACT §13); left out: unchanged. */
  attachments?: AttachmentSettingsBody;
  /** [ext] Days a visitor thread is kept after its last activity (CONTRACT §14); null: forever; left out: unchanged. */
  retention_days?: number | null;
}

/** The website URL of a PUT, checked here for a message an owner can act on. */
function websiteUrlOf(body: SettingsBody, agent: AgentRecord): string | null {
  const value = body.website_url;
  if (value === undefined) return agent.websiteUrl;
  if (value === null) return null;
  const checked = checkWebsiteUrl(value);
  if (!checked.ok) throw badRequest(checked.message);
  return checked.url;
}

/** The expected reply time of a PUT, checked here for a message an owner can act on. */
function expectedReplyOf(body: SettingsBody, agent: AgentRecord): number | null {
  const value = body.expected_reply_minutes;
  if (value === undefined) return agent.expectedReplyMinutes;
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_EXPECTED_REPLY_MINUTES) {
    throw badRequest(`expected_reply_minutes must be a whole number of minutes from 1 to ${MAX_EXPECTED_REPLY_MINUTES} (a week), or null.`);
  }
  return value;
}

/** The retention of a PUT, checked here for a message an owner can act on (CONTRACT §14). */
function retentionOf(body: SettingsBody, agent: AgentRecord): number | null {
  const value = body.retention_days;
  if (value === undefined) return agent.retentionDays ?? null;
  if (value === null) return null;
  if (!Number.isFinite(value) || value < MIN_RETENTION_DAYS || value > MAX_RETENTION_DAYS) {
    throw badRequest(
      `retention_days must be a number of days from ${MIN_RETENTION_DAYS.toPrecision(3)} (one minute) to ${MAX_RETENTION_DAYS} (ten years), fractions allowed, or null to keep conversations.`,
    );
  }
  return value;
}

const tokenInfoOf = (token: AgentTokenRecord) => ({
  id: token.id,
  prefix: token.prefix,
  created_at: token.createdAt,
  last_used_at: token.lastUsedAt,
});

/**
 * What an agent's owners manage (CONTRACT §7 [ext]): allowed websites, required identity,
 * the identity secret, and external agent tokens. Signed-in owners only: other users and
 * agent tokens get 403, an unknown slug 404.
 */
export function agentSettingsRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** The agent of the path, with an audit entry maker for the owner's change (CONTRACT §14); 403 for anyone else. */
  async function ownerChange(request: FastifyRequest<{ Params: { slug: string } }>) {
    const user = requireUser(await ctx.authenticate(request));
    const agent = await ctx.storage.agents.bySlug(request.params.slug);
    if (!agent) throw notFound(`The agent "${request.params.slug}"`);
    const owners = await ctx.storage.agents.owners(agent.id);
    if (!owners.includes(user.id)) throw new ApiError('forbidden', "Only the agent's owners can manage its settings and tokens.");
    const audit = (action: string, target: string, details?: Record<string, unknown>) =>
      auditEntry({
        agentId: agent.id,
        actor: userSenderId(user.id),
        action,
        target,
        details,
        address: ctx.clientAddresses.of(request.raw),
      });
    return { agent, audit };
  }

  async function ownedAgent(request: FastifyRequest<{ Params: { slug: string } }>): Promise<AgentRecord> {
    return (await ownerChange(request)).agent;
  }

  app.get<{ Params: { slug: string } }>(
    '/agents/:slug/settings',
    {
      schema: {
        tags: ['agent settings'],
        summary: '[ext] Public-endpoint settings of an agent you own',
        params: slugParams,
        response: { 200: agentSettingsResponse, ...errorResponses },
      },
    },
    async (request) => settingsOf(await ownedAgent(request)),
  );

  app.put<{ Params: { slug: string }; Body: SettingsBody }>(
    '/agents/:slug/settings',
    {
      schema: {
        tags: ['agent settings'],
        summary: '[ext] Set allowed websites, whether visitors must be verified, and the expected reply time',
        params: slugParams,
        body: {
          type: 'object',
          properties: {
            allowed_origins: { type: 'array', items: { type: 'string', maxLength: 2048 }, maxItems: MAX_RAW_ORIGINS },
            require_verified_identity: { type: 'boolean' },
            expected_reply_minutes: {
              type: ['number', 'null'],
              description:
                '[ext] "usually replies within" this many minutes (1 to 10080), shown to visitors; null for none; left out: unchanged',
            },
            website_url: {
              type: ['string', 'null'],
              maxLength: MAX_WEBSITE_URL_LENGTH + 100,
              description:
                '[ext] the absolute http(s) address of the page that embeds the chat (follow-up emails link to it); null for none; left out: unchanged',
            },
            email_follow_up: {
              type: 'boolean',
              description:
                '[ext] email visitors who left the replies they did not see, with a one-time link back (CONTRACT §12); left out: unchanged',
            },
            attachments: attachmentSettingsSchema,
            retention_days: {
              type: ['number', 'null'],
              description:
                '[ext] erase visitor threads with no activity for this many days (fractions allowed, at least one minute); null keeps them; left out: unchanged',
            },
          },
          required: ['allowed_origins', 'require_verified_identity'],
        },
        response: { 200: agentSettingsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { agent, audit } = await ownerChange(request);
      const origins = normalizeAllowedOrigins(request.body.allowed_origins);
      if (!origins.ok) throw badRequest(origins.message);
      const expectedReplyMinutes = expectedReplyOf(request.body, agent);
      const retentionDays = retentionOf(request.body, agent);
      const settings = {
        allowedOrigins: origins.origins,
        requireVerifiedIdentity: request.body.require_verified_identity,
        expectedReplyMinutes,
        websiteUrl: websiteUrlOf(request.body, agent),
        emailFollowUp: request.body.email_follow_up ?? agent.emailFollowUp,
        attachments: request.body.attachments === undefined ? agent.attachments : visitorAttachmentPolicyOf(request.body.attachments),
        retentionDays,
      };
      const updated = await ctx.storage.agentSettings.update(
        agent.id,
        settings,
        // Which settings, not their values (origins and URLs are the owner's business); the retention, which decides erasures, by value.
        audit('agent.settings_changed', `agent:${agent.id}`, {
          fields: Object.keys(request.body).sort(),
          retention_days: retentionDays ?? null,
        }),
      );
      await ctx.agentSettingsChanged(updated);
      return settingsOf(updated);
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/agents/:slug/identity-secret',
    {
      schema: {
        tags: ['agent settings'],
        summary: '[ext] Create or rotate the identity secret (shown once; the old one stops working)',
        params: slugParams,
        response: { 201: issuedIdentitySecretResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { agent, audit } = await ownerChange(request);
      const secret = newIdentitySecret();
      const { createdAt } = await ctx.storage.agentSettings.setIdentitySecret(
        agent.id,
        secret,
        audit('agent.identity_secret_rotated', `agent:${agent.id}`),
      );
      reply.code(201);
      return { secret, created_at: createdAt };
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/agents/:slug/tokens',
    {
      schema: {
        tags: ['agent settings'],
        summary: 'Issue an external agent token (ama_eat_…) for an agent you own; it is shown once',
        params: slugParams,
        response: { 201: issuedAgentTokenResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { agent, audit } = await ownerChange(request);
      const token = newAgentToken();
      const record = await ctx.storage.agentSettings.addToken(
        { agentId: agent.id, tokenHash: hashAgentToken(token), prefix: token.slice(0, AGENT_TOKEN_PREFIX_LENGTH) },
        // The token's id only: its prefix is part of the secret.
        (tokenId) => audit('agent.token_issued', `agent_token:${tokenId}`),
      );
      reply.code(201);
      return { id: record.id, token, prefix: record.prefix, agent_id: agent.id, created_at: record.createdAt };
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/agents/:slug/tokens',
    {
      schema: {
        tags: ['agent settings'],
        summary: "[ext] The agent's live tokens (never the tokens themselves)",
        params: slugParams,
        response: { 200: agentTokenListResponse, ...errorResponses },
      },
    },
    async (request) => {
      const agent = await ownedAgent(request);
      return { tokens: (await ctx.storage.agentSettings.listTokens(agent.id)).map(tokenInfoOf) };
    },
  );

  app.delete<{ Params: { slug: string; id: string } }>(
    '/agents/:slug/tokens/:id',
    {
      schema: {
        tags: ['agent settings'],
        summary: '[ext] Revoke a token: refused at once, its open event streams end',
        params: {
          type: 'object',
          properties: { slug: slugParams.properties.slug, id: { type: 'string', minLength: 1, maxLength: 100 } },
          required: ['slug', 'id'],
        },
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { agent, audit } = await ownerChange(request);
      const revoked = await ctx.storage.agentSettings.revokeToken(
        agent.id,
        request.params.id,
        audit('agent.token_revoked', `agent_token:${request.params.id}`),
      );
      if (!revoked) throw notFound('The token');
      ctx.agentTokenRevoked(request.params.id);
      return reply.code(204).send();
    },
  );
}
