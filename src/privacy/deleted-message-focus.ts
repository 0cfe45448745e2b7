/** The DOM id of a deleted message's "Message deleted" line, so focus can be put on it. */
export function deletedMessageDomId(messageId: string): string {
  return `deleted-message-${messageId}`;
}

/**
 * After the user deleted a message from its menu, the menu (and the confirmation in it) leaves
 * the page with the message's content, and the browser drops the focus on the body: a keyboard
 * or screen reader user would start again from the top. Called when the menu unmounts: once the
 * commit that replaced it is on the page, if the focus is lost, it goes to the "Message deleted"
 * line that stands where the message was. Focus the user has put elsewhere is left alone.
 */
export function focusDeletedMessage(messageId: string): void {
  queueMicrotask(() => {
    const active = document.activeElement;
    if (active && active !== document.body) return;
    document.getElementById(deletedMessageDomId(messageId))?.focus();
  });
}
