/**
 * `dir/./a/../b.ts` → `dir/b.ts`: a relative import specifier resolved against the file it
 * is written in, for the tests that read the sources' import graph.
 */
export function joinPath(fromFile: string, specifier: string): string {
  const parts = fromFile.split('/').slice(0, -1);
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}
