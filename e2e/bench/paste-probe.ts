/**
 * The in-page probe both clients' paste benches use (widget-bench.ts section 4, paste-bench.ts):
 * `__pasteShot(bytes, name, nth, timeout)` makes a PNG of about `bytes` (random pixels: PNG
 * cannot compress them), pastes it as a real `ClipboardEvent` into the message box and resolves
 * with `{ms, size}`: ms from the paste to the frame after the tray's `nth` thumbnail has its
 * pixels (rejects after `timeout` ms, default a minute). `__pasteReady(bytes, name)` makes the
 * file beforehand, so a bench can read the main thread's CPU around the paste alone.
 *
 * "Has its pixels": for an `<img>`, `complete` is true once the bytes arrived, before the decode,
 * which Chromium runs afterwards on another thread; so the probe waits for `img.decode()`. For a
 * `<canvas>`, the thumbnail sets `data-drawn` once it drew the picture. Then one more frame, the
 * one that shows it.
 *
 * `root` is an expression for where the composer lives (`document`, or the widget's shadow
 * root); `box` the selector of its message box there; `focus` whether the box gets focus
 * before the paste (the inbox's composer has it once a thread opens).
 */
export function pasteProbe(root: string, box: string, focus: boolean): string {
  return `
window.__pasteReady = async (bytes, name) => {
  // Random RGB(A) pixels: PNG keeps about 3.4 bytes of each (the opaque alpha compresses away).
  const side = Math.ceil(Math.sqrt(bytes / 3.4));
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext('2d');
  const pixels = context.createImageData(side, side);
  const random = new Uint32Array(pixels.data.buffer);
  for (let offset = 0; offset < random.length; offset += 16384) crypto.getRandomValues(random.subarray(offset, offset + 16384));
  for (let alpha = 3; alpha < pixels.data.length; alpha += 4) pixels.data[alpha] = 255;
  context.putImageData(pixels, 0, 0);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  window.__pasteFile = new File([blob], name, { type: 'image/png' });
  return blob.size;
};
window.__pasteShot = async (bytes, name, nth, timeout = 60000) => {
  if (!window.__pasteFile || window.__pasteFile.name !== name) await window.__pasteReady(bytes, name);
  const file = window.__pasteFile;
  window.__pasteFile = null;
  const root = ${root};
  const box = root.querySelector(${JSON.stringify(box)});
  if (!box) throw new Error('no message box on the page');
  ${focus ? 'box.focus();' : ''}
  const data = new DataTransfer();
  data.items.add(file);
  const started = performance.now();
  box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
  const late = () => performance.now() - started > timeout;
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let thumbnail = null;
  while (!thumbnail) {
    if (late()) throw new Error(name + ': no thumbnail after ' + timeout + ' ms');
    await frame();
    const row = root.querySelectorAll('[aria-label="Files to send"] li')[nth];
    thumbnail = row ? row.querySelector('img, canvas') : null;
  }
  if (thumbnail instanceof HTMLImageElement) {
    await thumbnail.decode();
  } else {
    await new Promise((resolve, reject) => {
      if (thumbnail.hasAttribute('data-drawn')) return resolve();
      const observer = new MutationObserver(() => thumbnail.hasAttribute('data-drawn') && (observer.disconnect(), resolve()));
      observer.observe(thumbnail, { attributes: true, attributeFilter: ['data-drawn'] });
      setTimeout(() => (observer.disconnect(), reject(new Error(name + ': thumbnail not drawn after ' + timeout + ' ms'))), timeout);
    });
  }
  await frame();
  return { ms: performance.now() - started, size: file.size };
};
`;
}
