import type { ToolCallView } from '../core/sync/run-state.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { formatPreview } from './run-format.ts';
import { ERROR_TEXT, MUTED_TEXT, PREVIEW_CLASS, SUCCESS_TEXT } from './run-styles.ts';

function toolStatus(call: ToolCallView, t: InboxStrings): { label: string; className: string } {
  if (call.status === 'running') return { label: t.runs.toolRunning, className: MUTED_TEXT };
  return call.ok === false ? { label: t.runs.toolFailed, className: ERROR_TEXT } : { label: t.runs.toolSucceeded, className: SUCCESS_TEXT };
}

/** One tool call of a run: its name, what it was asked, and how it went. */
export function ToolCallItem({ call }: { call: ToolCallView }) {
  const t = useStrings();
  const status = toolStatus(call, t);
  const hasPreview = call.preview !== null && call.preview !== undefined;
  return (
    <li className="space-y-1">
      <p className="text-sm">
        <span className="font-mono font-medium">{call.name}</span> <span className={status.className}>{status.label}</span>
      </p>
      {hasPreview && (
        <p className="text-xs">
          <span className={MUTED_TEXT}>{t.runs.input}</span>
          <code className={PREVIEW_CLASS}>{formatPreview(call.preview)}</code>
        </p>
      )}
      {call.resultPreview !== null && (
        <p className="text-xs">
          <span className={MUTED_TEXT}>{t.runs.result}</span>
          <code className={PREVIEW_CLASS}>{formatPreview(call.resultPreview)}</code>
        </p>
      )}
    </li>
  );
}
