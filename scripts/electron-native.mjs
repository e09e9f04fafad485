// Builds better-sqlite3 for Electron's ABI into .native/electron-<version>/better_sqlite3.node,
// leaving node_modules' Node build alone (the tests need that one). The main process loads the
// Electron build through better-sqlite3's `nativeBinding` option. Needs the network once:
// prebuild-install fetches a prebuilt binary; failing that, node-gyp compiles against Electron's
// headers. Packaged apps do not use this: electron-builder rebuilds the module for Electron.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { electronVersion, nativeBindingPath, root, run } from './lib.mjs'

const version = electronVersion()
const target = nativeBindingPath(version)
if (fs.existsSync(target) && !process.argv.includes('--force')) {
  console.log(`better-sqlite3 for Electron ${version}: ${path.relative(root, target)} (already built)`)
  process.exit(0)
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-electron-native-'))
const src = path.join(root, 'node_modules', 'better-sqlite3')
fs.cpSync(src, path.join(work, 'better-sqlite3'), { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) })
const cwd = path.join(work, 'better-sqlite3')
// The machine's npm config may pin node-gyp to Node's own headers; Electron needs its own.
const env = { ...process.env }
for (const k of Object.keys(env)) if (/^npm_config_(nodedir|runtime|target|disturl)$/i.test(k)) delete env[k]

console.log(`Building better-sqlite3 for Electron ${version} (${process.platform}-${process.arch})...`)
let code = run('prebuild-install', ['--runtime=electron', `--target=${version}`, `--arch=${process.arch}`, `--platform=${process.platform}`], { cwd, env })
if (code !== 0) {
  console.log('No prebuilt binary could be fetched; compiling against Electron headers with node-gyp...')
  code = run('node-gyp', ['rebuild', '--release', '--runtime=electron', `--target=${version}`, '--dist-url=https://electronjs.org/headers'], { cwd, env })
}
const built = path.join(cwd, 'build', 'Release', 'better_sqlite3.node')
if (code !== 0 || !fs.existsSync(built)) {
  fs.rmSync(work, { recursive: true, force: true })
  console.error(
    '\nCould not build better-sqlite3 for Electron. This step needs to download either a prebuilt binary or\n' +
      "Electron's headers, which machines without internet cannot. The tests and the browser preview do not need it.",
  )
  process.exit(1)
}
fs.mkdirSync(path.dirname(target), { recursive: true })
fs.copyFileSync(built, target)
fs.rmSync(work, { recursive: true, force: true })
console.log(`Wrote ${path.relative(root, target)}`)
