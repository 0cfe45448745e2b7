/**
 * A run's steps in plain words: what a tool call did, what the agent planned, whom it
 * escalated to. Known tools have the catalog's own sentences (`runs.tools`); any other tool
 * gets sentences built around its name made readable, so no identifier reaches a person
 * as the whole of what they read.
 */
import type { ToolCallView } from '../core/sync/run-state.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';

/** What a tool does, in the forms a run card needs. */
export interface ToolWords {
  /** Completes "ask for approval to …" ("send an email"). */
  action: string;
  running: string;
  done: string;
  failed: string;
}

/** A tool's identifier as words: "lookup_order" and "lookupOrder" → "lookup order". */
export function readableName(name: string): string {
  const words = name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/[\s_\-.:/]+/g, ' ')
    .trim()
    .toLowerCase();
  return words || name;
}

/** The words for a tool by its name: the catalog's for a known tool, else sentences around its readable name. */
export function toolWords(name: string | null, t: InboxStrings): ToolWords {
  const known = name !== null && Object.hasOwn(t.runs.tools, name) ? t.runs.tools[name] : undefined;
  if (known) return known;
  const readable = name ? readableName(name) : t.events.aTool;
  return {
    action: t.runs.anyToolAction(readable),
    running: t.runs.anyToolRunning(readable),
    done: t.runs.anyToolDone(readable),
    failed: t.runs.anyToolFailed(readable),
  };
}

/** One tool call as a sentence: running, done, or failed. */
export function toolCallSentence(call: Pick<ToolCallView, 'name' | 'status' | 'ok'>, t: InboxStrings): string {
  const words = toolWords(call.name, t);
  if (call.status === 'running') return words.running;
  return call.ok === false ? words.failed : words.done;
}

/** Whom an escalation goes to, in words ("human" → "a person"). */
export function escalationTarget(to: string, t: InboxStrings): string {
  return Object.hasOwn(t.runs.escalationTargets, to) ? t.runs.escalationTargets[to]! : readableName(to);
}

/**
 * The agent's plan (`agent_decisions`) in words: "Plan: ask for approval to send an email,
 * then reply". The decisions are the agent's own strings (`call_tool:lookup`,
 * `request_approval:send_email`, `escalate:human`, `reply`, `reply:long`); one this client
 * does not know is shown as its readable words. Null for an empty plan.
 */
export function planSentence(decisions: readonly string[], t: InboxStrings): string | null {
  const steps = decisions.map((decision) => {
    const colon = decision.indexOf(':');
    const kind = colon === -1 ? decision : decision.slice(0, colon);
    const target = colon === -1 ? '' : decision.slice(colon + 1);
    switch (kind) {
      case 'reply':
        return t.runs.planReply;
      case 'call_tool':
      case 'tool':
        return toolWords(target || null, t).action;
      case 'request_approval':
        return t.runs.planApproval(toolWords(target || null, t).action);
      case 'escalate':
        return t.runs.planEscalate(escalationTarget(target || 'human', t));
      default:
        return readableName(decision);
    }
  });
  // The same step twice in a row ("reply", "reply:long") is said once.
  const said = steps.filter((step, index) => step !== steps[index - 1]);
  return said.length > 0 ? t.runs.plan(said) : null;
}
