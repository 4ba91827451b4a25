import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (/usr/bin/chromium), started as this machine's probe does: no network, no sandbox as root. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    // Playwright gives each launch a new empty profile; these keep Chromium off the network.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
