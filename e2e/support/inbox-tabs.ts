/**
 * Several inbox tabs of one user in one browser context, for the tab specs: the first tab
 * signs Alice in, the others open the inbox already signed in (the session is shared).
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { ALICE, openThread, signIn, threadList } from './inbox.ts';
import type { UserSockets } from './user-sockets.ts';

export interface OpenTabsOptions {
  /** Counts the tabs' user sockets (each page is watched before it loads). */
  sockets?: UserSockets;
  /** Each tab opens this thread as soon as it is up, so the first one opened leads. */
  thread?: string;
}

/** Opens `count` inbox tabs of Alice in `context`, in order; see {@link OpenTabsOptions}. */
export async function openTabs(context: BrowserContext, count: number, options: OpenTabsOptions = {}): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    options.sockets?.watch(page);
    if (i === 0) await signIn(page, ALICE);
    else {
      await page.goto('/');
      await expect(threadList(page)).toBeVisible();
    }
    if (options.thread) await openThread(page, options.thread);
    pages.push(page);
  }
  return pages;
}
