import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig } from '@playwright/test'

// Three projects:
// - browser: the real renderer in Debian's Chromium, talking to the real services through the
//   loopback HTTP bridge, on a fresh temporary demo ledger per run.
// - file: the built renderer opened from disk (file://) as Electron loads it, with the preload's
//   API injected and calling the real dispatcher (tests/e2e-file).
// - electron: the same journey through Playwright's _electron.launch, wherever Electron's runtime
//   exists; elsewhere its tests are reported as skipped with the reason
//   (tests/e2e-electron/launch.ts), never as passed.
const PORT = Number(process.env.OTP_E2E_PORT ?? 5199)
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
// Evaluated again in every worker; only the runner's copy (which starts the web server) matters.
const dataDir = process.env.OTP_E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'otp-e2e-'))
process.env.OTP_E2E_DATA_DIR = dataDir

export default defineConfig({
  outputDir: 'test-results',
  timeout: 120_000, // a journey of several screens, each command now also appending its journal entry (issue 15)
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.OTP_PW_JSON ? [['list'], ['json', { outputFile: process.env.OTP_PW_JSON }]] : [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'browser',
      testDir: 'tests/e2e-browser',
      use: {
        baseURL: `http://127.0.0.1:${PORT}`,
        viewport: { width: 1280, height: 860 },
        locale: 'ja-JP',
        timezoneId: 'Asia/Tokyo',
        acceptDownloads: true,
        launchOptions: { executablePath: chromium, args: chromiumArgs },
      },
    },
    {
      name: 'file',
      testDir: 'tests/e2e-file',
      // The print at print resolution is the slowest step, and this machine is shared.
      expect: { timeout: 30_000 },
      use: {
        viewport: { width: 1280, height: 860 },
        locale: 'ja-JP',
        timezoneId: 'Asia/Tokyo',
        acceptDownloads: true,
        // Electron grants file:// pages what plain Chromium gives only with this switch (module
        // scripts and workers from file://).
        launchOptions: { executablePath: chromium, args: [...chromiumArgs, '--allow-file-access-from-files'] },
      },
    },
    { name: 'electron', testDir: 'tests/e2e-electron' },
  ],
  webServer: {
    command: `node scripts/preview.mjs --no-build --data-dir=${dataDir} --port=${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
  },
})
