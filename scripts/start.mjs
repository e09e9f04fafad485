// `npm start`: the Electron app on the demo ledger (created, migrated and filled on first start in
// the app's user-data folder, `demo-ledger`). Extra arguments go to the app: with
// `--data-dir=PATH` or `--demo=false` it opens that (production) ledger instead, unless `--demo`
// is given too.
import { spawn } from 'node:child_process'
import { electronBinary, ensureBuild, nativeBindingPath, root, run } from './lib.mjs'
import fs from 'node:fs'

const args = process.argv.slice(2)
if (!electronBinary()) {
  console.log("Electron's runtime is not on this machine; fetching it (npx install-electron)...")
  run('install-electron', ['--no'])
}
const electron = electronBinary()
if (!electron) {
  console.error(
    "\nElectron's runtime could not be downloaded (this machine reaches only the npm registry).\n" +
      'Run the same app in a browser instead: npm run preview:browser',
  )
  process.exit(1)
}
if (!fs.existsSync(nativeBindingPath()) && run('node', ['scripts/electron-native.mjs']) !== 0) process.exit(1)
if (ensureBuild() !== 0) process.exit(1)
const demo = args.some((a) => a.startsWith('--demo') || a.startsWith('--data-dir')) ? [] : ['--demo']
const child = spawn(electron, ['.', ...demo, ...args], { cwd: root, stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 1))
