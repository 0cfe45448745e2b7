/**
 * Counts the user WebSockets the pages of one browser context hold: every page is watched
 * (Playwright's `websocket` event), a socket counts from its opening until it closes or its
 * page closes. `max` is the highest number ever open at once.
 *
 * Close a watched page with {@link UserSockets.close}: its sockets stop counting when the
 * close starts. The page lets go of its socket and of the leadership as it goes (`pagehide`),
 * and the next tab opens its own at once, while the old socket's closing handshake may still
 * run; Playwright reports the old page's close and the new socket's opening on separate
 * channels, in either order on a busy machine. Counting from the close keeps `max` about
 * sockets in use, not sockets being torn down.
 */
import type { Page, WebSocket } from '@playwright/test';

const USER_SOCKET = /\/api\/v1\/chat\/ws\/user\/threads/;

export class UserSockets {
  private readonly open = new Map<WebSocket, Page>();
  private readonly closing = new Set<Page>();
  /** The most user sockets open at the same time so far. */
  max = 0;
  /** How many were ever opened. */
  opened = 0;
  /** When the last one opened (epoch ms, this process's clock). */
  lastOpenedAt = 0;

  /** Starts counting a page's sockets; call before the page loads. */
  watch(page: Page): Page {
    page.on('websocket', (socket) => {
      if (!USER_SOCKET.test(socket.url()) || this.closing.has(page)) return;
      this.open.set(socket, page);
      this.opened++;
      this.lastOpenedAt = Date.now();
      this.max = Math.max(this.max, this.open.size);
      socket.on('close', () => this.open.delete(socket));
    });
    page.on('close', () => {
      for (const [socket, owner] of [...this.open]) if (owner === page) this.open.delete(socket);
    });
    return page;
  }

  /** Closes a watched page (a user closing the tab); its sockets no longer count from now on. */
  async close(page: Page): Promise<void> {
    this.closing.add(page);
    for (const [socket, owner] of [...this.open]) if (owner === page) this.open.delete(socket);
    await page.close();
  }

  /** User sockets open now. */
  get count(): number {
    return this.open.size;
  }

  /** The pages holding an open user socket (the leader, when the tabs share one). */
  holders(): Page[] {
    return [...new Set(this.open.values())];
  }
}
