// Small helpers shared by the project scripts (Node built-ins only, so they run before npm install).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

// Every script runs on Node 22: better-sqlite3 13 loads in Node >= 22 only (under Node 20 it
// crashes the process at the first statement). `npm run …` already puts the `node` dev
// dependency (Node 22 from the npm registry) first on PATH; a script started by hand with an
// older system Node hands itself over to that one here.
const NODE_MAJOR = Number(process.versions.node.split('.')[0])
const localNode = path.join(root, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node')
if (NODE_MAJOR < 22 && fs.existsSync(localNode) && !process.env.OTP_NODE_HANDOVER) {
  const r = spawnSync(localNode, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, OTP_NODE_HANDOVER: '1' } })
  process.exit(r.status ?? 1)
}

/**
 * How to spawn a tool of node_modules/.bin (or any command). On Windows the tools are `.cmd`
 * scripts, which Node spawns only through a shell (since the fix of CVE-2024-27980 it refuses
 * them otherwise, and a plain spawn of the extension-less name fails): there the command runs
 * through cmd.exe with every argument quoted for it.
 */
export function commandLine(cmd, args, { platform = process.platform, exists = fs.existsSync } = {}) {
  const windows = platform === 'win32'
  const local = (windows ? path.win32 : path.posix).join(root, 'node_modules', '.bin', windows ? `${cmd}.cmd` : cmd)
  const file = exists(local) ? local : cmd
  if (!windows) return { file, args, shell: false }
  const quote = (a) => (/^[\w\-.,:=+@\\/]+$/.test(a) ? a : `"${a.replace(/"/g, '""')}"`)
  return { file: quote(file), args: args.map(quote), shell: true }
}

/** Runs a command from node_modules/.bin (or any command), inheriting stdio; returns the exit code. */
export function run(cmd, args, opts = {}) {
  const c = commandLine(cmd, args)
  const r = spawnSync(c.file, c.args, { stdio: 'inherit', cwd: root, shell: c.shell, ...opts })
  if (r.error) {
    console.error(`${cmd}: ${r.error.message}`)
    return 127
  }
  return r.status ?? 1
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

/** Electron's runtime: the one on this machine, or downloaded now by Electron's own installer
 * (it needs internet; where it cannot download, it fails within a second). */
export function fetchElectron() {
  if (electronBinary()) return electronBinary()
  console.log("Electron's runtime is not on this machine; fetching it (install-electron)...")
  run('install-electron', ['--no'])
  return electronBinary()
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
