// Debian's Chromium driven by playwright-core, with the flags DEVELOPERS.md lists. No vitest here:
// the first-screen measurement script (measure-first-screen.ts) runs outside the test runner.

import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.ZTPATH_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(): Promise<Browser> {
  if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); CI=true requires the browser tests to run`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
