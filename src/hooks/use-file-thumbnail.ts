import { useEffect, useMemo, useState } from 'react';
import { kindOfFile } from '../core/attachments/attachment-limits.ts';

/**
 * A chosen file's thumbnail where both upload trays (the inbox's and the widget's, which gets
 * this on preact through `react-on-preact`) cannot draw it in a canvas (use-canvas-thumbnail.ts:
 * no `createImageBitmap`, or it failed): a `blob:` URL for an image, revoked when the file leaves
 * the tray. `url` is null for other files
 * and once the image failed to load (a site whose Content-Security-Policy does not allow
 * `blob:` images): the tray shows the file's {@link fileBadge} then.
 */
export function useFileThumbnail(file: File): { url: string | null; onError: () => void } {
  const url = useMemo(() => (kindOfFile(file) === 'image' ? URL.createObjectURL(file) : null), [file]);
  const [failed, setFailed] = useState(false);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  return { url: failed ? null : url, onError: () => setFailed(true) };
}

/** A file's badge where there is no thumbnail: its extension, at most four letters, in capitals. */
export const fileBadge = (name: string): string => (name.split('.').pop() ?? '').slice(0, 4).toUpperCase();
