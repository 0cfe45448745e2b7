import { describe, expect, it } from 'vitest';
import { joinPath } from './core/testing/join-path.ts';

/**
 * No import circle under src/core. A circle makes module order matter (a class read before its
 * module ran is `undefined`) and welds files into one unit that cannot be split or tested alone.
 * Type-only imports count too: they still tie the files' designs together.
 * The test lives outside src/core because reading sources needs Vite's `import.meta.glob`.
 */

const CORE_SOURCES = import.meta.glob<string>('./core/**/*.ts', { query: '?raw', import: 'default', eager: true });

/** `import … from '…'`, `import '…'`, `export … from '…'`: the static imports (dynamic ones load lazily). */
const STATIC_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;

/** Each file's relative static imports that land on another file of the set. */
function importGraph(sources: Record<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of Object.entries(sources)) {
    const targets = new Set<string>();
    for (const match of text.matchAll(STATIC_IMPORT)) {
      const specifier = match[1] ?? '';
      if (!specifier.startsWith('.')) continue;
      const target = joinPath(file, specifier);
      if (target in sources) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** Every import circle: the strongly connected components with more than one file, or a file importing itself (Tarjan). */
function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return cycles;
}

describe('import graph of src/core', () => {
  it('finds circles, including type-only and multi-line imports', () => {
    const graph = importGraph({
      'x/a.ts': "import { b } from './b.ts';\nexport const a = b;",
      'x/b.ts': "import type {\n  C,\n} from './c.ts';\nexport const b = 1;",
      'x/c.ts': "export * from '../x/a.ts';\nimport 'vitest';",
      'x/d.ts': "import { a } from './a.ts';\nconst lazy = () => import('./d.ts');",
      'x/e.ts': "import './e.ts';",
    });
    expect(graph.get('x/c.ts')).toEqual(['x/a.ts']);
    expect(importCycles(graph)).toEqual([['x/a.ts', 'x/b.ts', 'x/c.ts'], ['x/e.ts']]);
  });

  it('reads the real tree', () => {
    const graph = importGraph(CORE_SOURCES);
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('./core/sync/outbox.ts')).toContain('./core/sync/outbox-tabs.ts');
  });

  it('has no import circle', () => {
    expect(importCycles(importGraph(CORE_SOURCES))).toEqual([]);
  });
});
