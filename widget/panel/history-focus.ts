/** Focuses the header button `id` (history-ids.ts) in the panel (shadow root) that holds `from`; loaded with the history chunk. */
export function focusHeaderButton(from: Element | null, id: string): void {
  (from?.getRootNode() as ParentNode | undefined)?.querySelector<HTMLElement>(`#${id}`)?.focus();
}
