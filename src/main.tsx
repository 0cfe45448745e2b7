import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, inboxScreen, signInScreen } from './app.tsx';
import { loadRuntimeConfig } from './config/runtime-config.ts';
import { startLanguage } from './i18n/locale-store.ts';
import { useSession } from './sign-in/session-store.ts';
import './index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The first screen's code loads alongside the runtime config and the language's catalog, so none waits for another.
// (A failed load is shown, with a retry, by the app's error boundary.)
const firstScreen = (useSession.getState().token ? inboxScreen : signInScreen).preload().catch(() => undefined);

void Promise.all([loadRuntimeConfig(), firstScreen, startLanguage()]).then(([config]) => {
  createRoot(root).render(
    <StrictMode>
      <App config={config} />
    </StrictMode>,
  );
});
