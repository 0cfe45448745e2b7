import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, inboxScreen, signInScreen } from './app.tsx';
import { loadRuntimeConfig } from './config/runtime-config.ts';
import { useSession } from './session/session-store.ts';
import './index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The first screen's code loads alongside the runtime config, so neither waits for the other.
// (A failed load is shown, with a retry, by the app's error boundary.)
const firstScreen = (useSession.getState().token ? inboxScreen : signInScreen).preload().catch(() => undefined);

void Promise.all([loadRuntimeConfig(), firstScreen]).then(([config]) => {
  createRoot(root).render(
    <StrictMode>
      <App config={config} />
    </StrictMode>,
  );
});
