import type { InboxApi } from '../core/api/inbox-api.ts';
import { usePrivacyApi } from '../privacy/use-privacy-api.ts';
import { AuditLogView } from './audit-log-view.tsx';

interface Props {
  api: Pick<InboxApi, 'listAgents' | 'listUsers'>;
  slug: string;
  onClose(): void;
}

/** The audit log screen (`#/agents/{slug}/audit`), with the privacy calls made here so they load with it. */
export default function AuditLogScreen({ api, slug, onClose }: Props) {
  const privacy = usePrivacyApi();
  return <AuditLogView api={api} privacy={privacy} slug={slug} onClose={onClose} />;
}
