// One helper for every Electron e2e test: launches the built app with Playwright's
// _electron.launch on a fresh temporary data folder (demo ledger) and a fresh user-data folder of
// its own (so an app the developer has open, which holds the single-instance lock of the default
// one, does not make the launch quit), and on failure saves a screenshot and the app's log next
// to the test's results. Where Electron cannot run (no runtime downloaded: machines that reach
// only the npm registry), `electronUnavailable()` says why, and the specs skip with that reason.
// better-sqlite3 needs nothing for Electron: its prebuilt Node-API binary loads there as it is.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { _electron as electron, type ElectronApplication, type Page, type TestInfo } from '@playwright/test'
import { devSandboxSwitches } from '../../scripts/sandbox.mjs'

const root = path.resolve(__dirname, '../..')

function electronVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version
}

function electronBinary(): string | null {
  try {
    const rel = fs.readFileSync(path.join(root, 'node_modules/electron/path.txt'), 'utf8')
    const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(root, 'node_modules/electron/dist')
    const file = path.join(base, rel)
    return fs.existsSync(file) ? file : null
  } catch {
    return null
  }
}

export function electronUnavailable(): string | null {
  if (!electronBinary())
    return `Electron ${electronVersion()} runtime is not installed on this machine (it cannot be downloaded here); run \`npx install-electron\` on a machine with internet`
  if (!fs.existsSync(path.join(root, 'out/main/index.js'))) return 'the app is not built; run `npm run build`'
  if (process.platform === 'linux' && !process.env.DISPLAY) return 'no X display: run the tests under xvfb-run'
  return null
}

export interface LaunchedApp {
  app: ElectronApplication
  page: Page
  dataDir: string
  close(testInfo: TestInfo): Promise<void>
}

export async function launchApp(): Promise<LaunchedApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-electron-e2e-'))
  const downloads = path.join(dataDir, 'downloads')
  fs.mkdirSync(downloads)
  process.env.OTP_DOWNLOAD_DIR = downloads
  const executablePath = electronBinary()!
  const app = await electron.launch({
    executablePath,
    args: [root, ...devSandboxSwitches(executablePath), '--demo', `--data-dir=${dataDir}`],
    cwd: root,
    env: { ...process.env, OTP_LOG_LEVEL: 'debug', OTP_DOWNLOAD_DIR: downloads, OTP_USER_DATA_DIR: path.join(dataDir, 'user-data') },
  })
  const page = await app.firstWindow()
  return {
    app,
    page,
    dataDir,
    async close(testInfo) {
      if (testInfo.status !== testInfo.expectedStatus) {
        await page.screenshot({ path: testInfo.outputPath('failure.png') }).catch(() => {})
        const log = path.join(dataDir, 'logs', 'app.log')
        if (fs.existsSync(log)) fs.copyFileSync(log, testInfo.outputPath('app.log'))
      }
      await app.close()
    },
  }
}
