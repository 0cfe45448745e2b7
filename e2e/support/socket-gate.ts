/**
 * A gate on the page's user WebSocket (Playwright's `routeWebSocket`): the page talks to the
 * real server through it, and a test can hold the server's frames from a chosen one on,
 * look at the page in that state, then release them in their original order. It makes
 * "what does the screen show between two frames" a deterministic question instead of a
 * race against the clock.
 */
import type { Page, WebSocketRoute } from '@playwright/test';

export interface ServerFrame {
  type: string;
  thread_id?: string;
  data?: Record<string, unknown>;
}

export class SocketGate {
  private trigger: ((frame: ServerFrame) => boolean) | null = null;
  private held: { route: WebSocketRoute; message: string | Buffer }[] = [];
  private holding = false;
  private onHold: (() => void) | null = null;

  /** Routes the page's user sockets through a gate; call before the page opens them. */
  static async install(page: Page): Promise<SocketGate> {
    const gate = new SocketGate();
    await page.routeWebSocket(/\/api\/v1\/chat\/ws\/user\/threads/, (route) => {
      // Page → server frames pass through untouched; server → page frames go through the gate.
      const server = route.connectToServer();
      server.onMessage((message) => gate.pass(route, message));
    });
    return gate;
  }

  private pass(route: WebSocketRoute, message: string | Buffer): void {
    if (!this.holding && this.trigger) {
      let frame: ServerFrame | null;
      try {
        frame = JSON.parse(String(message)) as ServerFrame;
      } catch {
        frame = null;
      }
      if (frame && this.trigger(frame)) {
        this.holding = true;
        this.onHold?.();
      }
    }
    if (this.holding) this.held.push({ route, message });
    else route.send(message);
  }

  /**
   * From the first server frame that matches `trigger`, holds it and every frame after it.
   * Resolves `held` once that frame has come.
   */
  holdFrom(trigger: (frame: ServerFrame) => boolean): { held: Promise<void> } {
    this.trigger = trigger;
    return { held: new Promise<void>((resolve) => (this.onHold = resolve)) };
  }

  /** Delivers what was held, in order, and lets frames through again. */
  release(): void {
    this.trigger = null;
    this.holding = false;
    this.onHold = null;
    const held = this.held;
    this.held = [];
    for (const { route, message } of held) route.send(message);
  }
}
