// `npm run dev`: electron-vite's dev server with hot reload, on the demo ledger. electron-vite
// finds Electron only through node_modules/electron/path.txt, which exists once the runtime was
// downloaded: this fetches it first (Electron's own installer), hands electron-vite the binary,
// and adds --no-sandbox (with the fix printed) where Chromium's sandbox cannot run. Nothing else
// needs preparing: better-sqlite3's prebuilt Node-API binary loads in Electron as it is.
// Without Electron's runtime (no internet) it says so and stops: `npm start` runs the browser
// preview there.
import { fetchElectron, run } from './lib.mjs'
import { devSandboxSwitches } from './sandbox.mjs'

const electron = fetchElectron()
if (!electron) {
  console.error(
    '\nElectron の実行環境をダウンロードできないため、npm run dev は使えません。ブラウザ版は npm start（または npm run preview:browser）で起動できます。' +
      "\nElectron's runtime cannot be downloaded on this machine, so `npm run dev` cannot run. `npm start` (or `npm run preview:browser`) starts the browser preview.",
  )
  process.exit(1)
}
const extra = process.argv.slice(2)
const demo = extra.some((a) => a.startsWith('--demo') || a.startsWith('--data-dir')) ? [] : ['--demo']
const noSandbox = devSandboxSwitches(electron).length ? ['--noSandbox'] : []
process.exit(run('electron-vite', ['dev', ...noSandbox, '--', ...demo, ...extra], { env: { ...process.env, ELECTRON_EXEC_PATH: electron } }))
