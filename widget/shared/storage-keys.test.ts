import { describe, expect, it } from 'vitest';
import { joinPath } from '../../src/core/testing/join-path.ts';
import README from '../../README.md?raw';

/**
 * The README's "Storage keys" table is what site owners put in their privacy notices: it must
 * name every key the widget (loader and panel, and the shared core it runs) reads or writes.
 * This test finds the code that touches storage and the keys it builds, and fails when one is
 * not in the table (or when a new file starts using storage: look at what it stores, then add
 * it to the table and to the list here).
 */

const GLOBBED = import.meta.glob<string>(
  ['../**/*.{ts,tsx}', '../../src/core/engine/create-visitor-engine.ts', '!**/*.test.*', '!**/testing/**'],
  {
    query: '?raw',
    import: 'default',
    eager: true,
  },
);

/** The widget's sources, and the core file its panel runs that touches storage (the engine's outbox), by path from the repository's root. */
const SOURCES = Object.fromEntries(Object.entries(GLOBBED).map(([key, text]) => [joinPath('widget/shared/this-file', key), text]));

/** Reaches storage: the Web Storage objects or their methods, IndexedDB, or cookies. */
const TOUCHES_STORAGE = /\b(?:localStorage|sessionStorage|indexedDB|IndexedDbOutboxStore)\b|\.setItem\(|document\.cookie/;

/** The files that touch storage today, each with what the README says of it. */
const KNOWN_FILES = [
  'src/core/engine/create-visitor-engine.ts',
  'widget/panel/first-files.ts',
  'widget/panel/first-message.ts',
  // (Hears the other tabs' `storage` events; it builds no key.)
  'widget/panel/panel-deps.ts',
  'widget/panel/tab-sync.ts',
  'widget/panel/viewed-thread.ts',
  'widget/shared/visitor-store.ts',
];

function storageSection(): string {
  const readme = README;
  const start = readme.indexOf('\n### Storage keys\n');
  expect(start, 'the README has the "Storage keys" list').toBeGreaterThan(0);
  return readme.slice(start, readme.indexOf('\n\n', readme.indexOf('| IndexedDB', start)));
}

describe('the README lists every storage key of the widget', () => {
  const files = Object.keys(SOURCES).filter((path) => TOUCHES_STORAGE.test(SOURCES[path]!));

  it('knows every file that touches storage', () => {
    expect(files.sort()).toEqual(KNOWN_FILES);
  });

  it('lists each key those files build', () => {
    const section = storageSection();
    const keys: string[] = [];
    for (const path of files) {
      const text = SOURCES[path]!;
      // `${key}:viewing`: a suffix of the visitor record's key.
      for (const [, suffix] of text.matchAll(/`\$\{key\}:([a-z]+)`/g)) keys.push(`ama2chat:{server}:{agent}:${suffix}`);
      // The record's own key, and the outbox database's name.
      if (text.includes('`ama2chat:${')) keys.push('ama2chat:{server}:{agent}');
      // A database named by the agent and sender (the outbox), or by the visitor record's key (the first message's files).
      for (const [, prefix, by] of text.matchAll(/`(ama2-[a-z]+-)\$\{([a-zA-Z.]+)\}/g))
        keys.push(by === 'key' ? `${prefix}ama2chat:{server}:{agent}` : `${prefix}{agent}-{sender}`);
    }
    expect(keys.length).toBeGreaterThanOrEqual(4);
    for (const key of keys) expect(section, key).toContain(`\`${key}\``);
  });

  it('says what each storage holds, and that there are no cookies', () => {
    const section = storageSection();
    for (const where of ['| localStorage |', '| sessionStorage |', '| IndexedDB |']) expect(section).toContain(where);
    expect(section).toContain('It sets no cookies.');
  });
});
