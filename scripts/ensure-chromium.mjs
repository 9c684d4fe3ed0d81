#!/usr/bin/env node
// The browser suites need a real Chromium. Playwright's own browser download does not
// work on the machines this project targets, so the test command installs Debian's
// chromium when it is missing, or stops with a clear error. It never lets the browser
// suites be skipped.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function works() {
  if (!existsSync(path)) return false;
  try {
    execFileSync(path, ['--version'], { stdio: 'pipe', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

if (!works()) {
  if (process.env.CHROMIUM_PATH) {
    console.error(`CHROMIUM_PATH=${path} does not run; point it at a working Chromium.`);
    process.exit(1);
  }
  if (process.platform !== 'linux' || typeof process.getuid !== 'function' || process.getuid() !== 0) {
    console.error(
      `No Chromium at ${path}. Install one (Debian: apt-get install -y chromium) or set CHROMIUM_PATH; the browser suites cannot run without it.`,
    );
    process.exit(1);
  }
  console.log(`No Chromium at ${path}: installing Debian's chromium package...`);
  try {
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (error) {
    console.error(`Installing chromium failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (!works()) {
    console.error(`chromium was installed but ${path} still does not run.`);
    process.exit(1);
  }
}
console.log(`Chromium: ${execFileSync(path, ['--version'], { encoding: 'utf8' }).split('\n')[0]}`);
