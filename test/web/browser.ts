// Test support: Debian's chromium, headless, driven by playwright-core (which ships no browser of its
// own). `.ci/run` installs chromium; CHROMIUM_PATH points elsewhere. Playwright gives each launch a
// fresh temporary profile, so nothing of an earlier run (session storage, cache) is reused.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // No sandbox: CI runs as root, where chromium refuses its sandbox. Nothing but our own pages loads.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
