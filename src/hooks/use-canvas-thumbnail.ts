import { useEffect, useState } from 'react';
import { canDrawThumbnails, drawThumbnail } from './draw-thumbnail.ts';

/**
 * A chosen image's thumbnail drawn into a `<canvas>` (draw-thumbnail.ts): pass `ref` to the
 * canvas. `drawn` turns true once the picture is in it (the canvas then gets `data-drawn`, which
 * the paste bench waits for); `failed` is true where the browser has no `createImageBitmap` or
 * could not decode the file: show the `<img>` of use-file-thumbnail.ts instead.
 */
export function useCanvasThumbnail(file: File): {
  setCanvas: (canvas: HTMLCanvasElement | null) => void;
  drawn: boolean;
  failed: boolean;
} {
  const [canvas, setCanvas] = useState<HTMLCanvasElement | null>(null);
  const [state, setState] = useState<'drawing' | 'drawn' | 'failed'>(() => (canDrawThumbnails() ? 'drawing' : 'failed'));
  useEffect(() => {
    if (!canvas) return;
    let cancelled = false;
    drawThumbnail(canvas, file, () => cancelled).then(
      () => !cancelled && setState('drawn'),
      () => !cancelled && setState('failed'),
    );
    return () => {
      cancelled = true;
    };
  }, [canvas, file]);
  return { setCanvas, drawn: state === 'drawn', failed: state === 'failed' };
}
