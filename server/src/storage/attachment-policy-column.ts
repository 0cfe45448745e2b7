import {
  ATTACHMENT_KINDS,
  DEFAULT_VISITOR_POLICY,
  type AttachmentKind,
  type VisitorAttachmentPolicy,
} from '../attachments/attachment-kinds.ts';

/** How `agents.attachment_policy` holds an agent's visitor attachment settings: the wire's JSON. */
interface PolicyColumn {
  enabled: boolean;
  max_bytes: number;
  types: string[];
}

/** The column's JSON text for a policy to store; null leaves the stored one (an update that does not name it). */
export function policyColumn(policy: VisitorAttachmentPolicy | undefined): string | null {
  if (policy === undefined) return null;
  const column: PolicyColumn = { enabled: policy.enabled, max_bytes: policy.maxBytes, types: policy.types };
  return JSON.stringify(column);
}

/** The stored policy; kinds a newer server wrote that this one does not know are left out, missing fields take the defaults. */
export function policyFromColumn(value: unknown): VisitorAttachmentPolicy {
  const column = (value ?? {}) as Partial<PolicyColumn>;
  return {
    enabled: typeof column.enabled === 'boolean' ? column.enabled : DEFAULT_VISITOR_POLICY.enabled,
    maxBytes: typeof column.max_bytes === 'number' ? column.max_bytes : DEFAULT_VISITOR_POLICY.maxBytes,
    types: Array.isArray(column.types)
      ? column.types.filter((kind): kind is AttachmentKind => (ATTACHMENT_KINDS as readonly string[]).includes(kind))
      : [...DEFAULT_VISITOR_POLICY.types],
  };
}
