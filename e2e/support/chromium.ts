import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Where Debian's package puts Chromium (`apt-get install -y chromium`). */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * The browser the end-to-end tests drive: `CHROMIUM_PATH` if set, else the system
 * Chromium, else a browser Playwright installed earlier. Never downloads one.
 */
export function resolveChromium(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH is set to ${configured}, but no file is there.`);
    return configured;
  }
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  let bundled: string | undefined;
  try {
    bundled = chromium.executablePath();
  } catch {
    bundled = undefined;
  }
  if (bundled && existsSync(bundled)) return bundled;
  throw new Error('No Chromium found: install one with "apt-get install -y chromium" or set CHROMIUM_PATH to a Chromium binary.');
}

/** Flags for a headless run on a closed network, as root (CI runs as root: no sandbox). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];
