/**
 * The built client as it is served: the content-hashed panel's name, and the bytes the
 * server actually sends for a file (pre-compressed, by Accept-Encoding).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

/** Written by the panel build (vite.widget.config.ts). */
const PANEL_MANIFEST = '.vite/widget-panel-manifest.json';
const PANEL_ENTRY = 'widget/panel/panel.tsx';

/** The panel's file name in a built static folder: `widget-panel-<hash>.js`. */
export function panelFileIn(staticDir: string): string {
  const manifest = JSON.parse(readFileSync(join(staticDir, PANEL_MANIFEST), 'utf8')) as Record<string, { file?: string }>;
  const file = manifest[PANEL_ENTRY]?.file;
  if (!file) throw new Error(`${staticDir}/${PANEL_MANIFEST} names no panel: run npm run build`);
  return file;
}

export interface Served {
  status: number;
  /** `Content-Encoding` of the answer, undefined for the file as it is. */
  encoding: string | undefined;
  /** Bytes of the body on the wire (not decoded). */
  wireBytes: number;
  body: Buffer;
}

/** GETs `url` with `Accept-Encoding: acceptEncoding` and counts the body's bytes as they arrive, undecoded. */
export function served(url: string, acceptEncoding: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        const encoding = response.headers['content-encoding'];
        resolve({ status: response.statusCode ?? 0, encoding, wireBytes: body.length, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
