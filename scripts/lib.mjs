// Small helpers shared by the project scripts (Node built-ins only, so they run before npm install).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)

/** Runs a command from node_modules/.bin (or any command), inheriting stdio; returns the exit code. */
export function run(cmd, args, opts = {}) {
  const local = bin(cmd)
  const r = spawnSync(fs.existsSync(local) ? local : cmd, args, { stdio: 'inherit', cwd: root, ...opts })
  if (r.error) {
    console.error(`${cmd}: ${r.error.message}`)
    return 127
  }
  return r.status ?? 1
}

export function electronVersion() {
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version
}

/** Electron's runtime, if this machine has it (Electron 45 downloads it on first use, not at install). */
export function electronBinary() {
  const dir = path.join(root, 'node_modules/electron')
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  try {
    const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8')
    const file = override ? path.join(override, rel) : path.join(dir, 'dist', rel)
    return fs.existsSync(file) ? file : null
  } catch {
    return null
  }
}

export function nativeBindingPath(version = electronVersion()) {
  return path.join(root, '.native', `electron-${version}`, 'better_sqlite3.node')
}

/** Whether out/ holds a build newer than every source file it is built from. */
export function buildIsFresh() {
  const marker = path.join(root, 'out', 'renderer', 'index.html')
  if (!fs.existsSync(marker) || !fs.existsSync(path.join(root, 'out/main/index.js'))) return false
  const built = fs.statSync(marker).mtimeMs
  const newest = (dir) => {
    let t = 0
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs)
    }
    return t
  }
  const sources = ['renderer', 'electron', 'shared', 'db', 'forms'].map((d) => path.join(root, d))
  return Math.max(...sources.map(newest), fs.statSync(path.join(root, 'electron.vite.config.ts')).mtimeMs) < built
}

export function ensureBuild() {
  if (buildIsFresh()) return 0
  console.log('Building main, preload and renderer (electron-vite build)...')
  return run('electron-vite', ['build'])
}
