/**
 * The ownership, notes, queue and search words in German: exactly the keys of
 * `catalog-ownership-en.ts` (a missing or extra one is a type error). Loaded on demand.
 */
import type { OwnershipStrings } from './catalog-ownership-en.ts';
import { plural } from './plural.ts';

const LOCALE = 'de';
const count = (n: number) => n.toLocaleString(LOCALE);

export const ownershipDe: OwnershipStrings = {
  queues: {
    label: 'Warteschlangen',
    all: 'Alle',
    waiting: 'Wartend',
    mine: 'Meine',
    unassigned: 'Nicht zugewiesen',
    open: 'Offen',
    snoozed: 'Zurückgestellt',
    resolved: 'Erledigt',
    withCount: (queue: string, n: number) =>
      plural(LOCALE, n, { one: `${queue}, ${count(n)} Unterhaltung`, other: `${queue}, ${count(n)} Unterhaltungen` }),
    empty: 'Keine Unterhaltungen in dieser Warteschlange.',
  },

  status: { open: 'Offen', waiting: 'Wartend', resolved: 'Erledigt', snoozed: 'Zurückgestellt' },

  list: {
    waitingFor: (duration: string) => `wartet seit ${duration}`,
    agentPaused: 'Agent pausiert',
    assignedTo: (name: string) => `Zugewiesen an ${name}`,
  },

  controls: {
    label: 'Wer diese Unterhaltung hat',
    status: 'Status',
    assignee: 'Zuständig',
    nobody: 'Niemand',
    you: (name: string) => `${name} (du)`,
    takeOver: 'Übernehmen',
    handBack: 'An den Agenten zurückgeben',
    agentPaused: 'Der Agent ist pausiert: Er antwortet nur, wenn er erwähnt wird.',
    snooze: 'Zurückstellen',
    snoozeHour: 'Für 1 Stunde',
    snoozeMorning: 'Bis morgen früh',
    snoozeChoose: 'Zeitpunkt wählen…',
    snoozeUntil: 'Zurückstellen bis',
    snoozeConfirm: 'Bis dahin zurückstellen',
    snoozedUntil: (when: string) => `Zurückgestellt bis ${when}`,
    resolve: 'Erledigen',
    reopen: 'Wieder öffnen',
    working: 'Wird gespeichert…',
    failed: (why: string) => `Die Änderung ist nicht durchgegangen: ${why}`,
    pastTime: 'Wähle einen Zeitpunkt in der Zukunft.',
    manage: 'Verwalten',
    close: 'Schließen',
    summary: 'Status und Zuständigkeit',
  },

  events: {
    took: (who: string, agent: string) => `${who} hat von ${agent} übernommen`,
    handedBack: (agent: string, by: string) => `${by} hat an ${agent} zurückgegeben`,
    assigned: (to: string, by: string) => `${by} hat ${to} zugewiesen`,
    unassigned: (by: string) => `${by} hat die Zuweisung aufgehoben`,
    resolved: (by: string) => `Erledigt von ${by}`,
    reopened: (by: string | null) => (by ? `Wieder geöffnet von ${by}` : 'Wieder geöffnet'),
    waiting: (by: string | null) => (by ? `${by} hat eine Person angefordert` : 'Wartet auf eine Person'),
    snoozed: (by: string, until: string) => `Zurückgestellt von ${by}${until ? ` bis ${until}` : ''}`,
    woke: 'Nicht mehr zurückgestellt',
    theAgent: 'dem Agenten',
  },

  note: {
    tag: 'Notiz',
    onlyTeam: 'Nur dein Team sieht das',
    by: (who: string) => `Notiz von ${who}`,
  },

  composer: {
    mode: 'Schreiben als',
    reply: 'Antwort',
    note: 'Notiz',
    switchHint: 'Alt+N wechselt zwischen Antwort und Notiz',
    notePlaceholder: 'Interne Notiz… nur dein Team sieht das',
    sendReply: 'Antwort senden',
    addNote: 'Notiz speichern',
    savingNote: 'Notiz wird gespeichert…',
    noteFailed: (why: string) =>
      `Die Notiz wurde nicht gespeichert: ${why} Dein Text bleibt erhalten; sende erneut, um es nochmal zu versuchen.`,
  },

  search: {
    open: 'Suchen',
    shortcut: 'Strg+K',
    title: 'Nachrichten, Notizen und Unterhaltungen durchsuchen',
    field: 'Suche',
    placeholder: 'Wörter, ein Wortanfang oder „eine Wortgruppe“',
    results: 'Ergebnisse',
    searching: 'Suche läuft…',
    none: 'Nichts gefunden.',
    failed: (why: string) => `Die Suche ist fehlgeschlagen: ${why}`,
    inThread: (thread: string) => `in ${thread}`,
    thread: 'Unterhaltung',
    close: 'Schließen',
    hint: '↑ und ↓ wählen, Enter öffnet, Esc schließt',
    count: (n: number) => plural(LOCALE, n, { one: `${count(n)} Ergebnis`, other: `${count(n)} Ergebnisse` }),
    more: 'Weitere Ergebnisse',
    loadingMore: 'Weitere Ergebnisse werden geladen…',
    moreFailed: (why: string) => `Weitere Ergebnisse konnten nicht geladen werden: ${why}`,
  },

  jump: {
    shown: 'Die gefundene Nachricht wird angezeigt.',
    loadingLater: 'Spätere Nachrichten werden geladen…',
    latest: 'Zu den neuesten',
  },
};
