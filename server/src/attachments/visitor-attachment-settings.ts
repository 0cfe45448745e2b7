import { badRequest } from '../http/errors.ts';
import type { AgentRecord } from '../storage/storage.ts';
import {
  ATTACHMENT_KINDS,
  DEFAULT_VISITOR_POLICY,
  LARGEST_MAX_BYTES,
  type AttachmentKind,
  type VisitorAttachmentPolicy,
} from './attachment-kinds.ts';

/** Agent settings' `attachments` as sent and shown (CONTRACT §13). */
export interface AttachmentSettingsBody {
  enabled: boolean;
  max_bytes: number;
  types: string[];
}

/** The JSON Schema of `attachments` in `PUT /agents/{slug}/settings`; the values are checked by {@link visitorAttachmentPolicyOf}. */
export const attachmentSettingsSchema = {
  type: 'object',
  description: `[ext] what visitors may upload: on or off, the largest file in bytes, and which kinds (${ATTACHMENT_KINDS.join(', ')}); left out: unchanged`,
  properties: {
    enabled: { type: 'boolean' },
    max_bytes: { type: 'number' },
    types: { type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 20 },
  },
  required: ['enabled', 'max_bytes', 'types'],
} as const;

/** The policy an owner sent, checked with messages an owner can act on. */
export function visitorAttachmentPolicyOf(body: AttachmentSettingsBody): VisitorAttachmentPolicy {
  if (!Number.isInteger(body.max_bytes) || body.max_bytes < 1 || body.max_bytes > LARGEST_MAX_BYTES) {
    throw badRequest(`attachments.max_bytes must be a whole number of bytes from 1 to ${LARGEST_MAX_BYTES} (1 GiB).`);
  }
  const unknown = body.types.filter((kind) => !(ATTACHMENT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) {
    throw badRequest(
      `attachments.types may hold only ${ATTACHMENT_KINDS.map((kind) => `"${kind}"`).join(', ')}; not ${unknown.join(', ')}.`,
    );
  }
  const types = ATTACHMENT_KINDS.filter((kind) => body.types.includes(kind));
  if (body.enabled && types.length === 0) {
    throw badRequest('attachments.types must name at least one kind of file while attachments are enabled; or turn them off.');
  }
  return { enabled: body.enabled, maxBytes: body.max_bytes, types: types as AttachmentKind[] };
}

/** What the settings and the public profile say of an agent's policy (its defaults when never set). */
export function visitorAttachmentSettingsOf(agent: AgentRecord): AttachmentSettingsBody {
  const policy = agent.attachments ?? DEFAULT_VISITOR_POLICY;
  return { enabled: policy.enabled, max_bytes: policy.maxBytes, types: [...policy.types] };
}
