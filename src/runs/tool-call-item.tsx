import type { ToolCallView } from '../core/sync/run-state.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { ERROR_TEXT, MUTED_TEXT } from './run-styles.ts';
import { toolCallSentence } from './tool-words.ts';

/** One tool call of a run, as a sentence ("Looked up records"); its input and result are in the card's Details. */
export function ToolCallItem({ call }: { call: ToolCallView }) {
  const t = useStrings();
  const className = call.status === 'running' ? MUTED_TEXT : call.ok === false ? ERROR_TEXT : '';
  return <li className={`text-sm ${className}`}>{toolCallSentence(call, t)}</li>;
}
