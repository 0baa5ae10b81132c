// Starts the real `stackdex serve` binary for a browser test, on a fresh SQLite
// file, and stops it afterwards.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..');
export const bin = path.resolve(repoRoot, process.env.STACKDEX_BIN || 'target/debug/stackdex');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts `stackdex serve ARGS` on a fresh data folder; resolves with
 * `{ url, stop, log, dataDir }` once it answers /healthz.
 */
export async function startServer(args = [], env = {}, timeoutMs = 120_000) {
  if (!existsSync(bin)) throw new Error(`binary not found: ${bin} (cargo build -p stackdex, or set STACKDEX_BIN)`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stackdex-e2e-'));
  const childEnv = { ...process.env, STACKDEX_DATA_DIR: dataDir, STACKDEX_LOG: 'warn', ...env };
  delete childEnv.DATABASE_URL;
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', ...args], {
    cwd: dataDir,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', kill);
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within ${timeoutMs} ms\n${log}`)), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      log += chunk;
      const m = /stackdex listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on('data', (chunk) => {
      log = (log + chunk).slice(-50_000);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`stackdex exited early (${code ?? signal})\n${log}`));
    });
  });
  child.removeAllListeners('exit');
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(kill, 5000);
      await exited;
      clearTimeout(t);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  return { url, stop, log: () => log, dataDir };
}
