import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { precompressFiles } from './precompress.ts';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/**
 * Writes `.br` and `.gz` variants of what this build emitted (and of the public files it
 * copied) next to each file, for the server's `preCompressed` serving. Shared by the inbox
 * and widget builds; it touches only its own build's files, so builds sharing `dist/` do not
 * redo each other's work.
 */
export function precompress(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'precompress',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async writeBundle(options, bundle) {
      const outDir = resolve(config.root, options.dir ?? config.build.outDir);
      // The build's own manifest (in the dot folder .vite/) is never served.
      const emitted = Object.keys(bundle).filter((file) => !file.startsWith('.vite/'));
      const copied = config.publicDir && config.build.copyPublicDir && existsSync(config.publicDir) ? filesUnder(config.publicDir) : [];
      const results = await precompressFiles([...new Set([...emitted, ...copied])].map((file) => join(outDir, file)));
      const before = results.reduce((sum, result) => sum + result.bytes, 0);
      const after = results.reduce((sum, result) => sum + (result.br ?? result.bytes), 0);
      config.logger.info(`precompress: ${results.length} files, ${Math.round(before / 1024)} kB → ${Math.round(after / 1024)} kB brotli`);
    },
  };
}
