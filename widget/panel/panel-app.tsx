import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { PanelHost } from '../shared/panel-contract.ts';
import { ConversationView } from './conversation-view.tsx';
import { PanelErrorBoundary } from './error-boundary.tsx';
import { FirstRunView } from './first-run-view.tsx';
import { trapTab } from './focus-trap.ts';
import { Greeting } from './greeting.tsx';
import type { PanelStrings } from './i18n.ts';
import type * as ClosingUiModule from './closing-ui.ts';
import type * as HistoryUiModule from './history-ui.ts';
import type * as PrivacyUiModule from './privacy-ui.ts';
import { PanelHeader } from './panel-header.tsx';
import { useSession } from './use-session.ts';
import type { VisitorSession } from './visitor-session.ts';
import { DELETE_BUTTON_ID, RESTART_BUTTON_ID } from './history-ids.ts';

/** What "New conversation?" and "Earlier conversations" show: loaded on the first tap on either. */
type HistoryUi = typeof HistoryUiModule;

/** The dialog's title element: its accessible name. */
const TITLE_ID = 'ama-title';

interface Props {
  session: VisitorSession;
  host: PanelHost;
  strings: PanelStrings;
  lang: string;
}

const describe = (error: unknown) => (error instanceof Error && error.message ? error.message : String(error));

/** The panel: a modal dialog with the agent's header and, below it, whatever the visitor is at. */
export function PanelApp({ session, host, strings, lang }: Props) {
  const state = useSession(session);
  const dialogRef = useRef<HTMLDivElement>(null);
  const profile = state.profile.status === 'ready' ? state.profile.profile : null;
  const phase = state.phase;
  const report = (error: unknown) => session.report('panel_error', describe(error));
  // The visitor token is read at each fetch: a new one (a reset, another tab) is used at once.
  const [files] = useState(() => ({
    serverUrl: host.options.apiBaseUrl,
    slug: host.options.agent,
    token: () => session.visitor.record.visitorToken,
    lang,
  }));
  const close = () => {
    try {
      host.requestClose();
    } catch (error) {
      report(error);
    }
  };

  /** The visitor closes the panel: maybe an offer to leave an email first (VisitorSession.leave). */
  const leave = () => {
    try {
      session.leave();
    } catch (error) {
      report(error);
    }
  };

  // "New conversation" asks first; "Earlier conversations" shows its list in place of the chat.
  const [shown, setShown] = useState<'question' | 'list' | null>(null);
  const [ui, setUi] = useState<HistoryUi | null>(null);
  const canRestart = phase.kind === 'chat' && state.profile.status !== 'missing';
  const earlier = canRestart && state.earlier?.length ? state.earlier : null;
  /** Runs `next` once the history chunk is there (loaded once; a chunk that cannot load changes nothing on screen). */
  const withUi = (next: () => void): void =>
    void import('./history-ui.ts')
      .then((module) => {
        setUi(module);
        next();
      })
      .catch(report);
  const askRestart = () =>
    withUi(() => {
      setAskDelete(false);
      setShown('question');
    });
  // "Delete this conversation?" and the end state of a conversation that is gone: their own chunk, on demand.
  const [privacy, setPrivacy] = useState<typeof PrivacyUiModule | null>(null);
  const [askDelete, setAskDelete] = useState(false);
  const withPrivacy = (next: () => void): void =>
    void import('./privacy-ui.ts')
      .then((module) => {
        setPrivacy(module);
        next();
      })
      .catch(report);
  // (`gone` is set only after "Delete this conversation?" showed, or with the chunk the session loaded: it is there.)

  const showList = () => withUi(() => setShown('list'));
  // (Each gives the focus back to the header button that opened it.)
  const hide = () => setShown(null);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      // While "New conversation?" shows, Escape is its Cancel wherever the focus is (it may not
      // have moved into the question yet): never closing the panel under it.
      if (shown === 'question') {
        event.currentTarget.querySelector<HTMLElement>(`#${RESTART_BUTTON_ID}`)?.focus();
        hide();
      } else if (askDelete) {
        event.currentTarget.querySelector<HTMLElement>(`#${DELETE_BUTTON_ID}`)?.focus();
        setAskDelete(false);
      } else leave();
    } else if (dialogRef.current) {
      trapTab(event.nativeEvent, dialogRef.current);
    }
  };

  const lead = profile && <Greeting greeting={profile.greeting} replyMinutes={profile.expected_reply_minutes} strings={strings} />;
  // The inline email offer comes with its first ask (closing-ui.ts, with the offer on leaving), not with the chat:
  // most asks follow the first reply. One that cannot load is asked for again with the next ask.
  const [closing, setClosing] = useState<typeof ClosingUiModule | null>(null);
  const ask = state.emailAsk;
  useEffect(() => {
    if (ask && ask !== 'declined' && !closing) import('./closing-ui.ts').then(setClosing, () => undefined);
  }, [ask, closing]);
  const offer = ask && closing && (
    <closing.EmailOffer
      ask={ask}
      email={state.email}
      strings={strings}
      lang={lang}
      onSave={(email) => session.leaveEmail(email)}
      onDecline={() => session.declineEmail()}
    />
  );

  let body: ReactNode;
  if (state.gone) {
    const Gone = privacy?.ConversationGone ?? state.goneView;
    body = Gone && <Gone lang={lang} why={state.gone} onStartNew={() => session.leaveGone()} />;
  } else if (state.profile.status === 'missing') {
    body = (
      <p role="alert" className="m-4 rounded-lg bg-ama-warn-bg p-3 text-sm text-ama-warn-text">
        {strings.unknownAgent(host.options.agent)}
      </p>
    );
  } else if (phase.kind === 'prechat' || (phase.kind === 'starting' && state.firstMessage !== null)) {
    body = (
      <FirstRunView
        strings={strings}
        lead={lead}
        pending={state.firstMessage}
        pendingFiles={state.firstNames}
        offer={state.emailAsk === 'start' && offer}
        attach={profile?.attachments}
        lang={lang}
        onSend={(text, files) => session.startWith(text, files)}
        draft={session.draft}
      />
    );
  } else if (phase.kind === 'starting') {
    body = (
      <p role="status" className="m-auto text-sm text-ama-muted">
        {strings.starting}
      </p>
    );
  } else if (phase.kind === 'blocked') {
    const words = {
      origin_not_allowed: strings.notAvailableHere,
      identity_required: strings.signInRequired,
      identity_invalid: strings.identityInvalid,
    }[phase.reason];
    body = (
      <p role="alert" data-blocked={phase.reason} className="m-4 rounded-lg bg-ama-warn-bg p-3 text-sm text-ama-warn-text">
        {words}
      </p>
    );
  } else if (phase.kind === 'start-failed') {
    const seconds = phase.retryAfterMs ? Math.ceil(phase.retryAfterMs / 1000) : 60;
    body = (
      <div role="alert" className="m-auto flex flex-col items-center gap-3 p-4 text-center text-sm text-ama-text-soft">
        <p>{phase.code === 'rate_limited' ? strings.rateLimited(seconds) : strings.startFailed}</p>
        <button
          type="button"
          onClick={() => session.retry()}
          className="rounded-lg bg-(--accent) px-4 py-2 font-semibold text-(--accent-contrast) hover:opacity-90"
        >
          {strings.tryAgain}
        </button>
      </div>
    );
  } else if (phase.kind === 'chat' && shown === 'list' && earlier && ui) {
    body = (
      <ui.EarlierList
        threads={earlier}
        selfSenderId={phase.selfSenderId}
        strings={strings}
        lang={lang}
        onOpen={(threadId) => {
          setShown(null);
          session.openEarlier(threadId);
        }}
        onBack={hide}
      />
    );
  } else {
    const conversation = (
      <ConversationView
        key={phase.threadId + phase.selfSenderId}
        engine={phase.engine}
        threadId={phase.threadId}
        selfSenderId={phase.selfSenderId}
        hiddenThroughSeq={state.hiddenThroughSeq}
        notice={state.notice}
        agentName={profile?.name ?? null}
        open={state.open}
        strings={strings}
        onStartNew={() => session.newConversation()}
        onRequestPerson={() => void session.requestPerson()}
        onError={report}
        files={files}
        lead={lead}
        attach={profile?.attachments}
        lang={lang}
        draft={session.draft}
        lost={state.firstLost}
        onSent={() => {
          if (state.firstLost?.length) session.set({ firstLost: [] });
        }}
        offer={
          state.leaving ? (
            <state.leaving.LeaveOffer strings={strings} lang={lang} onSave={(email) => session.leaveEmail(email)} onClose={close} />
          ) : state.email && state.emailAsk !== 'saved' ? null : (
            offer
          )
        }
      />
    );
    body = state.conversationReset ? (
      <>
        <p role="status" className="mx-3 mt-3 rounded-lg bg-ama-info-bg p-2 text-sm text-ama-info-text">
          {strings.conversationReset}
        </p>
        {conversation}
      </>
    ) : (
      conversation
    );
  }

  return (
    <div
      ref={dialogRef}
      role="dialog"
      aria-modal="true"
      aria-labelledby={TITLE_ID}
      lang={lang}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      className="ama-panel flex flex-col overflow-hidden bg-ama-surface text-ama-text focus:outline-none"
    >
      <PanelHeader
        titleId={TITLE_ID}
        name={profile?.name ?? strings.chat}
        strings={strings}
        canRestart={canRestart}
        onRestart={askRestart}
        onRequestPerson={() => void session.requestPerson()}
        onEarlier={earlier ? showList : undefined}
        onDelete={
          session.visitor.record.visitorToken
            ? () =>
                withPrivacy(() => {
                  setShown(null);
                  setAskDelete(true);
                })
            : undefined
        }
        onClose={leave}
      />
      {askDelete && canRestart && privacy && (
        <privacy.DeleteConfirm
          lang={lang}
          onConfirm={async () => {
            const done = await session.deleteConversation();
            if (done) setAskDelete(false);
            return done;
          }}
          onCancel={() => setAskDelete(false)}
        />
      )}
      {shown === 'question' && canRestart && ui && (
        <ui.RestartConfirm
          lang={lang}
          keeps={state.earlier !== null}
          onConfirm={() => {
            setShown(null);
            session.newConversation();
          }}
          onCancel={hide}
        />
      )}
      {state.linkNotice && (
        <p role="alert" className="m-4 rounded-lg bg-ama-warn-bg p-3 text-sm text-ama-warn-text">
          {state.linkNotice}
        </p>
      )}
      <PanelErrorBoundary message={strings.somethingWrong} onError={report}>
        {body}
      </PanelErrorBoundary>
    </div>
  );
}
