/**
 * Counts the user WebSockets the pages of one browser context hold: every page is watched
 * (Playwright's `websocket` event), a socket counts from its opening until it closes or its
 * page closes. `max` is the highest number ever open at once.
 */
import type { Page, WebSocket } from '@playwright/test';

const USER_SOCKET = /\/api\/v1\/chat\/ws\/user\/threads/;

export class UserSockets {
  private readonly open = new Map<WebSocket, Page>();
  /** The most user sockets open at the same time so far. */
  max = 0;
  /** How many were ever opened. */
  opened = 0;
  /** When the last one opened (epoch ms, this process's clock). */
  lastOpenedAt = 0;

  /** Starts counting a page's sockets; call before the page loads. */
  watch(page: Page): Page {
    page.on('websocket', (socket) => {
      if (!USER_SOCKET.test(socket.url())) return;
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

  /** User sockets open now. */
  get count(): number {
    return this.open.size;
  }

  /** The pages holding an open user socket (the leader, when the tabs share one). */
  holders(): Page[] {
    return [...new Set(this.open.values())];
  }
}
