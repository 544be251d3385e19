import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const EXECUTABLE = '/usr/bin/chromium';

/**
 * Debian's Chromium, headless. Where it is not installed the browser tests skip with one line, unless
 * REQUIRE_CHROMIUM=1 (CI installs it), where its absence fails the run.
 */
export async function launchChromium(): Promise<Browser | undefined> {
  if (!existsSync(EXECUTABLE)) {
    if (process.env['REQUIRE_CHROMIUM'] === '1')
      throw new Error(`REQUIRE_CHROMIUM=1 but ${EXECUTABLE} is missing`);
    process.stderr.write(
      `skipping browser tests: ${EXECUTABLE} is not installed (apt-get install chromium)\n`,
    );
    return undefined;
  }
  return chromium.launch({
    executablePath: EXECUTABLE,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
    ],
  });
}
