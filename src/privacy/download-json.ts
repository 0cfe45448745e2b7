/** How long the export's `blob:` URL is kept after the download starts (the browser reads it first). */
const REVOKE_AFTER_MS = 60_000;

/**
 * Saves a JSON document as a file: through a `blob:` URL and a link with `download`, so the
 * credential that fetched it never goes into a URL. The URL is revoked once the browser has it.
 */
export function downloadJson(document: unknown, fileName: string): void {
  const blob = new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  window.document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
