// `npm run preview:browser`: builds if needed, then serves the real renderer with the real
// services behind the loopback HTTP bridge. Arguments go to electron/bridge/main.ts:
// --data-dir=PATH (default .data/preview), --port=N, --demo=false.
import { spawn } from 'node:child_process'
import { ensureBuild, root } from './lib.mjs'

const args = process.argv.slice(2)
if (!args.includes('--no-build') && ensureBuild() !== 0) process.exit(1)
const child = spawn(process.execPath, ['--import', 'tsx', 'electron/bridge/main.ts', ...args.filter((a) => a !== '--no-build')], {
  cwd: root,
  stdio: 'inherit',
})
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code) => process.exit(code ?? 1))
