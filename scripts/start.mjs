// `npm start`: the Electron app on the demo ledger (created, migrated and filled on first start in
// the app's user-data folder, `demo-ledger`). Extra arguments go to the app: with
// `--data-dir=PATH` or `--demo=false` it opens that (production) ledger instead, unless `--demo`
// is given too. Where Electron's runtime cannot be had (no internet: only the npm registry), the
// same renderer and services start as the browser preview instead, and it says so.
import { spawn } from 'node:child_process'
import { ensureBuild, fetchElectron, root } from './lib.mjs'
import { devSandboxSwitches } from './sandbox.mjs'

const args = process.argv.slice(2)
const electron = fetchElectron()
if (ensureBuild() !== 0) process.exit(1)
let child
if (!electron) {
  console.log(
    '\nElectron の実行環境をダウンロードできませんでした（この端末は npm レジストリにしかつながりません）。' +
      '\n代わりに同じ画面と同じサービスをブラウザ版（プレビュー）で起動します。表示された URL をブラウザで開いてください。' +
      "\nElectron's runtime could not be downloaded (this machine reaches only the npm registry)." +
      '\nStarting the browser preview instead (the same renderer and services): open the URL below in a browser.\n',
  )
  child = spawn(process.execPath, ['scripts/preview.mjs', '--no-build', ...args], { cwd: root, stdio: 'inherit' })
} else {
  const demo = args.some((a) => a.startsWith('--demo') || a.startsWith('--data-dir')) ? [] : ['--demo']
  child = spawn(electron, ['.', ...devSandboxSwitches(electron), ...demo, ...args], { cwd: root, stdio: 'inherit' })
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code) => process.exit(code ?? 1))
