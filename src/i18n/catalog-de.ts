/**
 * Every word the inbox shows, in German. Typed as `InboxStrings`, so it has exactly the
 * English catalog's keys. Loaded on demand: English users never download it.
 */
import type { ApiErrorCode } from '../core/api/api-error.ts';
import type { InboxStrings } from './catalog-en.ts';
import { plural } from './plural.ts';

const LOCALE = 'de';
const list = (names: readonly string[]) => new Intl.ListFormat(LOCALE, { type: 'conjunction' }).format(names);
const count = (n: number) => n.toLocaleString(LOCALE);
/** "ist" or "sind" for a list of names. */
const verb = (names: readonly string[]) => plural(LOCALE, names.length, { one: 'ist', other: 'sind' });
const writes = (names: readonly string[]) => plural(LOCALE, names.length, { one: 'schreibt', other: 'schreiben' });

/** What an API error code means, since the server's own message is English. */
const API_ERRORS: Readonly<Record<ApiErrorCode, string>> = {
  client_error: 'Der Server hat die Anfrage abgelehnt.',
  unauthorized: 'Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.',
  forbidden: 'Dafür fehlt Ihnen die Berechtigung.',
  not_found: 'Das wurde nicht gefunden.',
  conflict: 'Das steht im Konflikt mit einer anderen Änderung.',
  rate_limited: 'Zu viele Anfragen; bitte gleich noch einmal versuchen.',
  server_error: 'Auf dem Server ist ein Fehler aufgetreten.',
  unavailable: 'Der Server ist gerade nicht verfügbar.',
  identity_invalid: 'Die Identität konnte nicht bestätigt werden.',
  identity_required: 'Dafür ist eine bestätigte Identität nötig.',
  network_error: 'Der Server ist nicht erreichbar.',
  timeout: 'Der Server hat nicht rechtzeitig geantwortet.',
  aborted: 'Die Anfrage wurde abgebrochen.',
  invalid_response: 'Der Server hat eine unverständliche Antwort geschickt.',
};

/** Why an agent run failed, by the runtime's code (CONTRACT §6 error codes); anything else is the generic text. */
const RUN_ERRORS: Readonly<Record<string, string>> = {
  upstream_error: 'Der Agent konnte nicht zu Ende arbeiten.',
  stream_interrupted: 'Die Antwort des Agenten wurde unterbrochen.',
  turn_timeout: 'Der Agent hat zu lange gebraucht.',
  rate_limited: 'Der Agent ist gerade überlastet; bitte gleich noch einmal versuchen.',
  client_error: 'Der Agent hat die Anfrage abgelehnt.',
};

export const de: InboxStrings = {
  locale: 'de',

  common: {
    loading: 'Wird geladen…',
    tryAgain: 'Erneut versuchen',
    cancel: 'Abbrechen',
    retry: 'Erneut senden',
    send: 'Senden',
    agentTag: 'Agent',
    visitorTag: 'Besucher',
    you: 'Sie',
    someoneAgent: 'Agent',
    someoneVisitor: 'Besucher',
    someoneSystem: 'System',
    someone: 'Jemand',
    justYou: 'Nur Sie',
    somethingWentWrong: (where: string) => `In ${where} ist etwas schiefgegangen.`,
    connecting: 'Verbindung wird hergestellt…',
  },

  panels: {
    inbox: 'dem Posteingang',
    signIn: 'der Anmeldeseite',
    threadList: 'der Unterhaltungsliste',
    agentSettings: 'den Agenten-Einstellungen',
    thread: 'dieser Unterhaltung',
  },

  signIn: {
    title: 'Beim Posteingang anmelden',
    email: 'E-Mail',
    password: 'Passwort',
    submit: 'Anmelden',
    submitting: 'Anmeldung läuft…',
    wrongPassword: 'E-Mail-Adresse oder Passwort ist falsch.',
    unreachable: 'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    failed: 'Die Anmeldung ist fehlgeschlagen. Bitte erneut versuchen.',
    demoHint: 'Lokale Demo:',
    demoOr: 'oder',
    demoPassword: 'Passwort',
    sessionExpired: 'Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an; nichts, was Sie geschrieben haben, geht verloren.',
  },

  shell: {
    tabTitle: 'Posteingang',
    signedInAs: (name: string) => `Angemeldet als ${name}`,
    themeLabel: 'Design',
    themeSystem: 'Systemdesign',
    themeLight: 'Hell',
    themeDark: 'Dunkel',
    languageLabel: 'Sprache',
    languageBrowser: 'Browser-Standard',
    agentSettings: 'Agenten-Einstellungen',
    enableNotifications: 'Benachrichtigungen aktivieren',
    notificationTitle: (who: string, thread: string | null) => (thread ? `${who} in ${thread}` : who),
    signOut: 'Abmelden',
    loadingAgentSettings: 'Die Agenten-Einstellungen werden geladen…',
    backToThreads: '← Unterhaltungen',
    threadCannotOpen: (why: string) => `Diese Unterhaltung lässt sich nicht öffnen: ${why}`,
    pickThread: 'Unterhaltung wählen',
    pickThreadHint:
      'Wählen Sie links eine Unterhaltung oder beginnen Sie eine neue. Alt+↑ und Alt+↓ wechseln zwischen Unterhaltungen; / springt ins Nachrichtenfeld.',
  },

  notifications: {
    label: 'Desktop-Benachrichtigungen',
    on: 'Desktop-Benachrichtigungen sind eingeschaltet.',
    blocked: 'Desktop-Benachrichtigungen sind blockiert.',
    blockedHelp:
      'Um sie zu erlauben, öffnen Sie die Website-Einstellungen Ihres Browsers (das Symbol links neben der Adresse), stellen Sie „Benachrichtigungen“ auf „Zulassen“ und laden Sie die Seite neu.',
    unsupported: 'Dieser Browser unterstützt keine Desktop-Benachrichtigungen.',
    threadMenu: 'Optionen der Unterhaltung',
    mute: 'Benachrichtigungen stummschalten',
    unmute: 'Benachrichtigungen wieder einschalten',
    muted: 'Benachrichtigungen stummgeschaltet',
    muteFailed: 'Der Browser hat die Einstellung nicht gespeichert (sein Speicher ist voll oder abgeschaltet).',
  },

  webhooks: {
    menuItem: 'Webhooks',
    title: 'Webhooks dieses Threads',
    intro: 'Jedes Ereignis dieses Threads wird an diese Adressen gesendet. Alle Beteiligten können einen löschen.',
    loading: 'Webhooks werden geladen…',
    loadFailed: (reason: string) => `Die Webhooks konnten nicht geladen werden: ${reason}`,
    none: 'Dieser Thread hat keine Webhooks.',
    close: 'Schließen',
    on: 'Aktiv',
    off: (reason: string) => `Aus: ${reason}`,
    reasons: {
      delivery_failed: 'der Empfänger hat wiederholt nicht geantwortet',
      creator_disabled: 'das Konto der Person, die ihn angelegt hat, ist deaktiviert',
      creator_password_changed: 'das Passwort der Person, die ihn angelegt hat, wurde geändert',
      creator_lost_access: 'die Person, die ihn angelegt hat, sieht diesen Thread nicht mehr',
      creator_unknown: 'die Person, die ihn angelegt hat, ließ sich nicht bestätigen',
    } as Record<string, string>,
    unknownReason: 'angehalten',
    createdBy: (who: string, when: string) => `Angelegt von ${who}, ${when}`,
    someone: 'jemandem',
    delete: 'Löschen',
    deleting: 'Wird gelöscht…',
    deleteLabel: (url: string) => `Webhook an ${url} löschen`,
    deleted: (url: string) => `Webhook an ${url} gelöscht.`,
    deleteFailed: (reason: string) => `Der Webhook konnte nicht gelöscht werden: ${reason}`,
  },

  connection: {
    lostRetryIn: (seconds: number) => `Verbindung verloren. Neuer Versuch in ${count(seconds)} s.`,
    lostReconnecting: 'Verbindung verloren. Verbindung wird wiederhergestellt…',
    offline: 'Sie sind offline. Nachrichten werden gesendet, sobald Sie wieder online sind.',
    failed: (_reason: string, code: number | null) => `Keine Verbindung möglich${code === null ? '' : ` (Code ${code})`}.`,
    paused: 'Die Verbindung ist pausiert.',
    retryNow: 'Jetzt erneut versuchen',
    newVersion: 'Eine neue Version der App ist verfügbar —',
    reload: 'Neu laden',
  },

  threadList: {
    label: 'Unterhaltungen',
    heading: 'Posteingang',
    newThread: 'Neue Unterhaltung',
    filter: 'Unterhaltungen filtern',
    loadingThreads: 'Unterhaltungen werden geladen',
    loadFailed: (why: string) => `Die Unterhaltungen konnten nicht geladen werden: ${why}`,
    noMatch: 'Keine Unterhaltung passt zu diesem Filter.',
    empty: 'Noch keine Unterhaltungen. Beginnen Sie eine mit „Neue Unterhaltung“.',
    loadMore: 'Weitere Unterhaltungen laden',
    typing: (names: readonly string[]) => `${names.join(', ')} ${writes(names)}…`,
    awaitingApproval: 'Wartet auf Ihre Freigabe',
    approvalMark: 'Freigabe nötig',
    lastMessage: (who: string, text: string) => `${who}: ${text}`,
    noMessages: 'Noch keine Nachrichten',
    codePreview: '[Code]',
    someoneViewing: 'Jemand sieht gerade zu',
    unread: (n: number) => `${count(n)} ungelesen`,
  },

  visitor: {
    verified: '✓ Bestätigt',
    unverified: 'Unbestätigte E-Mail',
    verifiedMeaning: (label: string | null) =>
      `Bestätigt: Die Website des Agenten hat die Identität dieses Besuchers signiert${label ? ` (${label})` : ''}.`,
    unverifiedMeaning: (label: string | null) =>
      `Unbestätigte E-Mail: Der Besucher hat ${label ? `„${label}“` : 'dies'} selbst eingegeben; nichts belegt, dass es seine ist.`,
    typedLabel: (label: string) => `${label} (vom Besucher eingegeben)`,
  },

  newThread: {
    title: 'Neue Unterhaltung',
    titleField: 'Titel (optional)',
    people: 'Personen',
    nobodyElse: 'Noch niemand sonst ist hier.',
    agents: 'Agenten',
    agentsAnswer: 'Agenten antworten',
    modeOpen: 'auf jede Nachricht',
    modeMentioned: 'nur wenn erwähnt',
    firstMessage: 'Erste Nachricht (optional)',
    createFailed: (why: string) => `Die Unterhaltung konnte nicht erstellt werden: ${why}`,
    create: 'Erstellen',
    creating: 'Wird erstellt…',
  },

  thread: {
    conversation: 'Unterhaltung',
    untitled: 'Unterhaltung',
    participants: 'Teilnehmende',
    viewing: ' (sieht zu)',
    agentSettingsOf: (name: string) => `Einstellungen von ${name}`,
    agentAnswers: 'Agent antwortet',
    modeFailed: (why: string) => `Der Modus konnte nicht geändert werden: ${why}`,
    synced: 'Synchron',
    syncedUpTo: (seq: number) => `Aktuell bis Ereignis #${seq}`,
    catchingUp: 'Wird aufgeholt…',
    offline: 'Offline – Nachrichten werden gesendet, sobald Sie wieder online sind',
    syncFailed: 'Synchronisierung fehlgeschlagen – neuer Versuch läuft',
    loadingEarlier: 'Frühere Nachrichten werden geladen…',
    beginning: 'Hier beginnt die Unterhaltung.',
    loadingMessages: 'Nachrichten werden geladen…',
    newBelow: (n: number) => plural(LOCALE, n, { one: `${count(n)} neue Nachricht ↓`, other: `${count(n)} neue Nachrichten ↓` }),
    newMessages: 'Neue Nachrichten',
    typing: (names: readonly string[]) => `${list(names)} ${writes(names)}…`,
    thinking: (names: readonly string[]) => `${list(names)} ${plural(LOCALE, names.length, { one: 'denkt', other: 'denken' })} nach…`,
    awaitingApproval: (names: readonly string[]) =>
      `${list(names)} ${plural(LOCALE, names.length, { one: 'wartet', other: 'warten' })} auf Ihre Freigabe`,
    viewingNow: (names: readonly string[]) => `${list(names)} ${verb(names)} gerade hier`,
    said: (who: string, text: string) => `${who}: ${text}`,
    asksApproval: (who: string, pending: boolean) => `${who} ${pending ? 'bittet' : 'bat'} um Freigabe:`,
    approvals: 'Freigaben',
  },

  message: {
    notSent: (why: string | null) => `Nicht gesendet: ${why ?? 'der Server hat sie abgelehnt'}`,
    sending: 'Wird gesendet…',
    sent: 'Gesendet',
    retrying: (why: string) => `Noch nicht gesendet (${why}); neuer Versuch läuft…`,
    waitingForConnection: 'Wartet auf die Verbindung…',
    editLabel: 'Nachricht bearbeiten',
    edit: 'Bearbeiten',
    discard: 'Verwerfen',
  },

  events: {
    joined: (name: string) => `${name} ist beigetreten`,
    modeChanged: (who: string, onlyMentioned: boolean) =>
      `${who} hat eingestellt, dass ${onlyMentioned ? 'nur auf Erwähnungen' : 'auf jede Nachricht'} geantwortet wird`,
    aTool: 'ein Werkzeug',
    theRequest: 'die Anfrage',
    toolStarted: (who: string, tool: string) => `${who} hat ${tool} gestartet`,
    toolCompleted: (who: string, tool: string, result: string) => `${who} hat ${tool} verwendet${result ? `: ${result}` : ''}`,
    approvalPending: (who: string, tool: string) => `${who} bittet um Freigabe für ${tool}`,
    approvalResolved: (who: string, rejected: boolean, tool: string) => `${who} hat ${tool} ${rejected ? 'abgelehnt' : 'freigegeben'}`,
    approvalExpired: (tool: string) => `Die Freigabe für ${tool} ist abgelaufen`,
    escalated: (who: string, to: string, reason: string) => `${who} hat an ${to || 'jemanden'} übergeben${reason ? `: ${reason}` : ''}`,
    runFailed: (who: string, why: string) => `${who} konnte nicht antworten: ${why || 'der Lauf ist fehlgeschlagen'}`,
    other: (who: string, name: string) => `${who}: ${name}`,
    note: (who: string, content: string) => `Notiz von ${who} (nur Ihr Team sieht sie): ${content}`,
    statusChanged: (who: string, status: string) =>
      `${who} hat den Status auf ${({ open: 'offen', waiting: 'wartend', resolved: 'erledigt', snoozed: 'zurückgestellt' } as Record<string, string>)[status] ?? status} gesetzt`,
    tookOver: (name: string) => `${name} hat das Gespräch übernommen`,
  },

  composer: {
    label: 'Nachricht',
    placeholder: 'Nachricht… (Eingabe zum Senden, Umschalt+Eingabe für eine neue Zeile)',
    placeholderTouch: 'Nachricht…',
    placeholderMention: (agent: string) => `Nachricht… (erwähnen Sie @${agent}, um ihn zu fragen)`,
    newSinceWriting: (n: number) =>
      plural(LOCALE, n, {
        one: `${count(n)} neue Nachricht, seit Sie angefangen haben zu schreiben.`,
        other: `${count(n)} neue Nachrichten, seit Sie angefangen haben zu schreiben.`,
      }),
    mention: 'Erwähnen',
    saveFailed: 'Die Nachricht konnte nicht zum Senden gespeichert werden. Bitte erneut versuchen.',
    tooLong: (over: number) => `Zu lang: Entfernen Sie ${count(over)} Zeichen, um zu senden.`,
    counter: (used: number, max: number) => `${count(used)} / ${count(max)}`,
  },

  runs: {
    status: {
      queued: 'In der Warteschlange',
      deciding: 'Entscheidet…',
      running: 'Arbeitet…',
      streaming: 'Schreibt…',
      committed: 'Hat geantwortet',
      failed: 'Fehlgeschlagen',
    },
    noReply: 'Ohne Antwort beendet',
    waitingApproval: 'Wartet auf Ihre Freigabe',
    cardLabel: (agent: string) => `Agentenlauf von ${agent}`,
    steps: 'Schritte',
    details: 'Details',
    decided: 'Entschieden: ',
    plan: (steps: readonly string[]) => `Plan: ${steps.join(', dann ')}`,
    planReply: 'antworten',
    planApproval: (action: string) => `Freigabe einholen (${action})`,
    planEscalate: (target: string) => `an ${target} übergeben`,
    escalationTargets: { human: 'einen Menschen', someone: 'jemanden' } as Readonly<Record<string, string>>,
    tools: {
      lookup: {
        action: 'Datensätze nachschlagen',
        running: 'Schlägt Datensätze nach…',
        done: 'Hat Datensätze nachgeschlagen',
        failed: 'Konnte keine Datensätze nachschlagen',
      },
      send_email: {
        action: 'eine E-Mail senden',
        running: 'Sendet eine E-Mail…',
        done: 'Hat eine E-Mail gesendet',
        failed: 'Konnte die E-Mail nicht senden',
      },
    } as Readonly<Record<string, { action: string; running: string; done: string; failed: string }>>,
    anyToolAction: (tool: string) => `das Werkzeug „${tool}“ verwenden`,
    anyToolRunning: (tool: string) => `Verwendet das Werkzeug „${tool}“…`,
    anyToolDone: (tool: string) => `Hat das Werkzeug „${tool}“ verwendet`,
    anyToolFailed: (tool: string) => `Das Werkzeug „${tool}“ ist fehlgeschlagen`,
    toolName: (name: string) => `Werkzeug: ${name}`,
    toolCalls: 'Werkzeugaufrufe',
    approvals: 'Freigaben',
    escalatedTo: (to: string, reason: string) => (reason ? `An ${to} übergeben: ${reason}` : `An ${to} übergeben`),
    nothingYet: 'Noch nichts zu sehen.',
    retry: 'Erneut versuchen',
    approvalsWaiting: (n: number) =>
      plural(LOCALE, n, { one: `${count(n)} Freigabe ausstehend`, other: `${count(n)} Freigaben ausstehend` }),
    toolCallCount: (n: number) => plural(LOCALE, n, { one: `${count(n)} Werkzeugaufruf`, other: `${count(n)} Werkzeugaufrufe` }),
    escalated: 'übergeben',
    firstWords: (duration: string) => `Erste Wörter nach ${duration}`,
    total: (duration: string) => `Gesamt ${duration}`,
    elapsed: (duration: string) => `Bisher ${duration}`,
    seconds: (number: string) => `${number} s`,
    expiresIn: (relative: string) => `läuft ${relative} ab`,
    expired: 'abgelaufen',
    approvalNeeded: (action: string) => `Freigabe nötig: ${action}`,
    approvalFor: (action: string) => `Freigabe für „${action}“`,
    approvedBy: (by: string | null) => (by ? `Freigegeben von ${by}` : 'Freigegeben'),
    rejectedBy: (by: string | null) => (by ? `Abgelehnt von ${by}` : 'Abgelehnt'),
    outcomeExpired: 'Abgelaufen',
    waitingDecision: 'Wartet auf eine Entscheidung',
    approve: 'Freigeben',
    reject: 'Ablehnen',
    approving: 'Wird freigegeben…',
    rejecting: 'Wird abgelehnt…',
    decideFailed: (approve: boolean, why: string) => `${approve ? 'Freigabe' : 'Ablehnung'} fehlgeschlagen: ${why}`,
    input: 'Eingabe ',
    result: 'Ergebnis ',
    genericError: 'Etwas ist schiefgegangen. Bitte erneut versuchen.',
  },

  markdown: { code: 'Code', table: 'Tabelle', image: 'Bild', done: 'Erledigt', notDone: 'Offen' },

  agents: {
    yourAgents: 'Ihre Agenten',
    yourAgentsIntro:
      'Agenten, die Ihnen gehören. Öffnen Sie einen, um festzulegen, wo sein Chat verwendet werden darf, und um seine Geheimnisse zu verwalten.',
    loadingAgents: 'Agenten werden geladen…',
    noAgents: 'Ihnen gehört kein Agent, daher gibt es hier keine Agenten-Einstellungen für Sie.',
    settingsArrow: 'Einstellungen →',
    settingsShort: 'Einstellungen',
    close: '← Schließen',
    escHint: '(Esc)',
    allAgents: 'Alle Ihre Agenten',
    settingsTitle: (name: string) => `Einstellungen von ${name}`,
    settingsIntro: (slug: string) => `Agent „${slug}“: wer mit ihm chatten darf und wie Programme als er handeln.`,
    loadingSettings: 'Einstellungen werden geladen',
    ownersOnly: 'Nur die Eigentümer dieses Agenten können seine Einstellungen sehen und ändern.',
    noSuchAgent: (slug: string) => `Es gibt keinen Agenten „${slug}“.`,
    settingsLoadFailed: (why: string) => `Die Einstellungen konnten nicht geladen werden: ${why}`,
    loadFailed: (what: 'agents' | 'tokens', why: string) =>
      `Die ${what === 'agents' ? 'Agenten' : 'Tokens'} konnten nicht geladen werden: ${why}`,
    saving: 'Wird gespeichert…',
    saveFailed: (why: string | null) => `Speichern fehlgeschlagen: ${why ?? 'unbekannter Fehler'}`,
    saved: 'Gespeichert.',
    never: 'nie',

    websites: 'Erlaubte Websites',
    websitesIntro:
      'Nur Seiten auf den hier aufgeführten Websites können das Chat-Widget dieses Agenten öffnen. Alle anderen werden abgewiesen.',
    websitesEmptyBefore: 'Keine Websites eingetragen: Der Chat funktioniert auf ',
    websitesEmptyStrong: 'jeder Website',
    websitesEmptyAfter: '.',
    remove: 'Entfernen',
    removeOrigin: (origin: string) => `${origin} entfernen`,
    websiteAddress: 'Website-Adresse',
    websiteHint: 'Etwa https://shop.example.com – Schema und Host (und ggf. ein Port), kein Pfad.',
    addWebsite: 'Website hinzufügen',
    origin: {
      empty: (example: string) => `Geben Sie eine Website-Adresse ein, zum Beispiel ${example}.`,
      noScheme: (host: string) => `Beginnen Sie die Adresse mit https:// (oder http://), zum Beispiel https://${host}.`,
      notAddress: (typed: string, example: string) => `„${typed}“ ist keine Website-Adresse. Schreiben Sie sie wie ${example}.`,
      badScheme: (example: string) => `Nur http://- und https://-Websites können erlaubt werden, zum Beispiel ${example}.`,
      noHost: (typed: string, example: string) => `„${typed}“ hat keinen Hostnamen. Schreiben Sie sie wie ${example}.`,
      credentials: (example: string) => `Lassen Sie Benutzername und Passwort weg: Geben Sie nur die Website an, etwa ${example}.`,
      hasPath: (origin: string, typed: string) => `Geben Sie nur die Website an, ohne Pfad: ${origin} statt ${typed}.`,
      duplicate: (origin: string) => `${origin} steht schon in der Liste.`,
      tooMany: (max: number) => `Höchstens ${count(max)} Websites können eingetragen werden. Entfernen Sie zuerst eine.`,
    },

    requireVerified: 'Bestätigte Identität verlangen',
    requireVerifiedOn:
      'Wenn eingeschaltet, können nur Besucher chatten, für die Ihre Website bürgt: Das Backend Ihrer Website signiert mit dem Identitätsgeheimnis unten ein Identitätstoken und übergibt es dem Widget. Anonyme Besucher können kein Gespräch beginnen oder fortsetzen; der Chat bittet sie, sich auf Ihrer Website anzumelden.',
    requireVerifiedOff:
      'Wenn ausgeschaltet, kann jeder chatten. Die eingegebene E-Mail ist nur eine Beschriftung und wird als „Unbestätigte E-Mail“ angezeigt.',
    noSecretWarning:
      'Es gibt noch kein Identitätsgeheimnis, daher kann gerade niemand chatten. Erzeugen Sie unten eines und geben Sie es dem Backend Ihrer Website.',

    identitySecret: 'Identitätsgeheimnis',
    identitySecretIntro:
      'Das Backend Ihrer Website signiert das Identitätstoken jedes Besuchers mit diesem Geheimnis (HS256), damit der Chat auf jedem Gerät weiß, wer er ist. Bewahren Sie es auf Ihrem Server auf: niemals in einer Webseite.',
    secretSet: (created: string | null) => `Ein Geheimnis ist gesetzt${created ? `, erzeugt am ${created}` : ''}.`,
    noSecret: 'Noch kein Identitätsgeheimnis: Besucher können nicht bestätigt werden.',
    newSecret: 'Neues Identitätsgeheimnis',
    generating: 'Wird erzeugt…',
    rotateSecret: 'Geheimnis erneuern',
    generateSecret: 'Geheimnis erzeugen',
    generateFailed: (why: string) => `Das Geheimnis konnte nicht erzeugt werden: ${why}`,
    rotateTitle: 'Das Identitätsgeheimnis erneuern?',
    rotating: 'Wird erneuert…',
    rotateFailed: (why: string) => `Das Geheimnis konnte nicht erneuert werden: ${why}`,
    rotateWarning:
      'Ein neues Geheimnis ersetzt das aktuelle sofort. Mit dem alten Geheimnis signierte Identitätstokens funktionieren nicht mehr, bis das Backend Ihrer Website das neue verwendet.',
    rotateKeeps: 'Besucher, die in diesem Browser schon chatten, behalten ihre Gespräche.',

    tokens: 'Agenten-Tokens',
    tokensIntroBefore: 'Ein Programm handelt mit einem dieser Tokens über die API als dieser Agent (',
    tokensIntroAfter:
      '). Jedes wird nur einmal angezeigt, beim Ausstellen; widerrufen Sie eines, das Sie nicht mehr verwenden oder das bekannt geworden sein könnte.',
    newToken: 'Neues Agenten-Token',
    issuing: 'Wird ausgestellt…',
    issueToken: 'Token ausstellen',
    issueFailed: (why: string) => `Das Token konnte nicht ausgestellt werden: ${why}`,
    loadingTokens: 'Tokens werden geladen…',
    noTokens: 'Noch keine Agenten-Tokens. Stellen Sie eines aus, um ein Programm als dieser Agent zu verbinden.',
    tokenDates: (created: string, lastUsed: string) => `Erstellt ${created} · Zuletzt verwendet ${lastUsed}`,
    revoke: 'Widerrufen',
    revokeLabel: (prefix: string, created: string) => `Token ${prefix}… widerrufen (erstellt ${created})`,
    revokeTitle: (prefix: string) => `Token ${prefix}… widerrufen?`,
    revokeToken: 'Token widerrufen',
    revoking: 'Wird widerrufen…',
    revokeFailed: (why: string) => `Das Token konnte nicht widerrufen werden: ${why}`,
    revokeWarning:
      'Programme mit diesem Token werden sofort abgewiesen, auch offene Ereignisströme. Das lässt sich nicht rückgängig machen.',
    revoked: (prefix: string) => `Token ${prefix}… widerrufen: Es funktioniert nicht mehr.`,

    copyWarning: 'Kopieren Sie es jetzt und bewahren Sie es sicher auf: Es wird nicht noch einmal angezeigt.',
    copy: 'Kopieren',
    copyDone: 'Fertig, ich habe es kopiert',
    copied: 'In die Zwischenablage kopiert.',
    selected: 'Markiert: Drücken Sie Strg+C (⌘C auf dem Mac) zum Kopieren.',
  },

  apiError: (code: ApiErrorCode, _message: string) => API_ERRORS[code],
  runError: (code: string, _message: string) => RUN_ERRORS[code] ?? RUN_ERRORS.upstream_error!,
};
