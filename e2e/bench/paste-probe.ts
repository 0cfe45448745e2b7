/**
 * The in-page probe both clients' paste benches use (widget-bench.ts section 4, paste-bench.ts):
 * `__pasteShot(bytes, name, nth, timeout)` makes a PNG of about `bytes` (random pixels: PNG
 * cannot compress them), pastes it as a real `ClipboardEvent` into the message box and resolves
 * with `{ms, size}`: ms from the paste to the frame after the tray's `nth` image shows its pixels
 * (rejects after `timeout` ms, default a minute).
 *
 * `root` is an expression for where the composer lives (`document`, or the widget's shadow
 * root); `box` the selector of its message box there; `focus` whether the box gets focus
 * before the paste (the inbox's composer has it once a thread opens).
 */
export function pasteProbe(root: string, box: string, focus: boolean): string {
  return `
window.__pasteShot = async (bytes, name, nth, timeout = 60000) => {
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
  const file = new File([blob], name, { type: 'image/png' });
  const root = ${root};
  const box = root.querySelector(${JSON.stringify(box)});
  if (!box) throw new Error('no message box on the page');
  ${focus ? 'box.focus();' : ''}
  const data = new DataTransfer();
  data.items.add(file);
  const started = performance.now();
  box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
  const shown = () => {
    const image = root.querySelectorAll('[aria-label="Files to send"] img')[nth];
    return Boolean(image && image.complete && image.naturalWidth > 0);
  };
  await new Promise((resolve, reject) => {
    const check = () => {
      if (shown()) return requestAnimationFrame(resolve);
      if (performance.now() - started > timeout) return reject(new Error(name + ': no thumbnail after ' + timeout + ' ms'));
      requestAnimationFrame(check);
    };
    check();
  });
  return { ms: performance.now() - started, size: file.size };
};
`;
}
