/**
 * The test DOM (jsdom) has no modal dialogs: `showModal` and `close` only set `open` here,
 * which is all the components' tests look at (focus and the backdrop are Playwright's).
 * Leaves a real implementation alone.
 */
export function installModalDialogs(): void {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
}
