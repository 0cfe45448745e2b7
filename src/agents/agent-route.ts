import { useEffect, useState } from 'react';

/** Where the agent screens live in the URL hash, so they can be linked, reloaded and left with Back. */
export type AgentRoute = { view: 'agents' } | { view: 'agent' | 'audit'; slug: string };

const AGENTS = /^#\/agents\/?$/;
const AGENT = /^#\/agents\/([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)(\/audit)?\/?$/;

/** The agent screen a hash names, or null for the rest of the inbox. */
export function parseAgentRoute(hash: string): AgentRoute | null {
  if (AGENTS.test(hash)) return { view: 'agents' };
  const match = AGENT.exec(hash);
  return match ? { view: match[2] ? 'audit' : 'agent', slug: match[1]! } : null;
}

/** The hash that opens an agent's settings. */
export const agentSettingsHash = (slug: string) => `#/agents/${encodeURIComponent(slug)}`;
export const AGENTS_HASH = '#/agents';

// Where the inbox was when an agent screen opened: closing one returns there.
let returnHash = '';

/** The agent screen in the URL, kept current on hash changes. */
export function useAgentRoute(): AgentRoute | null {
  const [route, setRoute] = useState(() => parseAgentRoute(location.hash));
  useEffect(() => {
    const onHash = (event: HashChangeEvent) => {
      const next = parseAgentRoute(location.hash);
      if (next && !parseAgentRoute(new URL(event.oldURL).hash)) returnHash = new URL(event.oldURL).hash;
      setRoute(next);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

/** Leaves the agent screens for the thread (or list) the user came from. */
export function closeAgentScreens(): void {
  location.hash = returnHash || '#/';
}
