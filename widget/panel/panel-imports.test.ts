import { describe, expect, it } from 'vitest';
import { joinPath } from '../../src/core/testing/join-path.ts';

/**
 * What the panel's code pulls in, read from the sources: the modules a visitor downloads are
 * those the panel reaches through value imports (static, and the lazy markdown chunk). Parts
 * of src/core only the signed-in inbox uses stay out of that set, so the visitor's 60 KB
 * budget (e2e/widget-size.spec.ts) is spent on the widget.
 */

const GLOBBED = import.meta.glob<string>(['../../src/**/*.{ts,tsx}', '../**/*.{ts,tsx}', '!**/*.test.*'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** The sources by path from the repository's root (`src/core/…`, `widget/panel/…`). */
const SOURCES = Object.fromEntries(Object.entries(GLOBBED).map(([key, text]) => [joinPath('widget/panel/this-file', key), text]));

/**
 * Value imports: `import … from '…'`, `import '…'`, `export … from '…'` and `import('…')`.
 * `import type` and `export type` are left out: the build erases them.
 */
const VALUE_IMPORT =
  /(?:^|[\n;])\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every source file reachable from `entry` through value imports of relative paths. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of (SOURCES[file] ?? '').matchAll(VALUE_IMPORT)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.')) queue.push(joinPath(file, specifier));
    }
  }
  return seen;
}

describe('what the panel downloads', () => {
  const panel = reachable('widget/panel/panel.tsx');

  it('reads the real tree: the sync engine, the outbox and the lazy markdown renderer', () => {
    expect(panel).toContain('src/core/engine/sync-engine.ts');
    expect(panel).toContain('src/core/sync/outbox.ts');
    expect(panel).toContain('src/markdown/render-markdown.tsx');
  });

  it('leaves out the outbox shared among tabs (the widget has one outbox per tab)', () => {
    expect([...panel].filter((file) => /^src\/core\/sync\/outbox-tab/.test(file))).toEqual([]);
  });
});
