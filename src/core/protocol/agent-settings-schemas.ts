/**
 * Runtime schemas of the agent owners' endpoints (CONTRACT §7 "Agent settings", the
 * visitor-trust API spec): settings, the identity secret, and agent tokens. Strict about
 * what the settings screen cannot do without; unknown extra fields pass through.
 */
import * as v from 'valibot';

const id = v.pipe(v.string(), v.minLength(1));
const secretText = v.pipe(v.string(), v.minLength(1));

/** `GET`/`PUT /agents/{slug}/settings`. */
export const agentSettingsSchema = v.looseObject({
  allowed_origins: v.array(v.string()),
  require_verified_identity: v.boolean(),
  identity_secret_set: v.boolean(),
  identity_secret_created_at: v.nullable(v.string()),
});
export type AgentSettings = v.InferOutput<typeof agentSettingsSchema>;

/** What an owner may change with `PUT /agents/{slug}/settings` (both fields required). */
export interface AgentSettingsInput {
  allowed_origins: string[];
  require_verified_identity: boolean;
}

/** `POST /agents/{slug}/identity-secret`: the secret, returned this once. */
export const identitySecretSchema = v.looseObject({
  secret: secretText,
  created_at: v.string(),
});
export type IdentitySecret = v.InferOutput<typeof identitySecretSchema>;

/** `POST /agents/{slug}/tokens`: the token, returned this once. */
export const issuedAgentTokenSchema = v.looseObject({
  id,
  token: secretText,
  prefix: v.string(),
  agent_id: v.optional(v.string()),
  created_at: v.string(),
});
export type IssuedAgentToken = v.InferOutput<typeof issuedAgentTokenSchema>;

/** One row of `GET /agents/{slug}/tokens`: never the secret itself. */
export const agentTokenSchema = v.looseObject({
  id,
  prefix: v.string(),
  created_at: v.string(),
  last_used_at: v.optional(v.nullable(v.string()), null),
});
export type AgentTokenInfo = v.InferOutput<typeof agentTokenSchema>;

export const agentTokenListSchema = v.looseObject({ tokens: v.array(agentTokenSchema) });
