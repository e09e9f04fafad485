// Packaging dry run: electron-builder packs the real build (`--linux dir`, electron-builder.yml as
// it is) against a stand-in Electron folder (electronDist: an executable that carries Electron's
// fuse wire, so the fuses step runs too; nothing is downloaded). Checked: what the asar holds,
// that only better-sqlite3's prebuilt binary is unpacked, the fuses, and that node_modules'
// better-sqlite3 is left as it was (the Node tests still load it). The deb's metadata is checked
// with electron-builder's own rule (FpmTarget's check, which stops `npm run package` on Linux at
// once when homepage or author.email is missing); building the deb itself needs fpm, a download.
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildIsFresh, commandLine } from '../../scripts/lib.mjs'
import { newApplicationForm, type CustomerRow } from '../helpers/forms'
import { invokeAs, loadMainBundle, quitApp, root } from './stand-in'

const builderRequire = createRequire(createRequire(path.join(root, 'package.json')).resolve('app-builder-lib/package.json'))
const asar = builderRequire('@electron/asar') as {
  listPackage(file: string, opts: object): string[]
  extractFile(file: string, inner: string): Buffer
  extractAll(file: string, dest: string): void
}
const yaml = builderRequire('js-yaml') as { load(text: string): unknown }
const { default: FpmTarget } = builderRequire('./out/targets/FpmTarget') as {
  default: { prototype: { computeFpmMetaInfoOptions(this: unknown): Promise<{ maintainer: string; url: string }> } }
}
const { AppInfo } = builderRequire('./out/appInfo') as { AppInfo: { prototype: { computePackageUrl(this: unknown): Promise<string | null> } } }

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const prebuild = `${process.platform}-${process.arch}.node`
const nodeBinary = path.join(root, 'node_modules/better-sqlite3/prebuilds', prebuild)
const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>

let work: string
let appDir: string
let entries: string[]
let binaryBefore: string
let log: string

/** An Electron folder as electron-builder expects it, whose executable carries a fuse wire (version
 * 1, 8 fuses, every one as Electron ships it: '0' or '1'). */
function standInElectron(dir: string): void {
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true })
  const exe = Buffer.concat([Buffer.from(`#!/bin/sh\necho 'stand-in for Electron'\nexit 1\n# ${SENTINEL}`), Buffer.from([1, 8]), Buffer.from('01010101\n')])
  fs.writeFileSync(path.join(dir, 'electron'), exe, { mode: 0o755 })
  fs.writeFileSync(path.join(dir, 'chrome-sandbox'), '#!/bin/sh\n', { mode: 0o755 })
  fs.writeFileSync(path.join(dir, 'version'), JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version)
  fs.writeFileSync(path.join(dir, 'LICENSE'), '')
}

beforeAll(() => {
  if (!buildIsFresh()) throw new Error('out/ is missing or older than the sources: run `npm run build` first (npm test builds before it tests)')
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-package-'))
  standInElectron(path.join(work, 'electron'))
  binaryBefore = sha256(nodeBinary)
  const c = commandLine('electron-builder', [
    '--linux',
    'dir',
    '--config',
    'electron-builder.yml',
    `-c.electronDist=${path.join(work, 'electron')}`,
    `-c.directories.output=${path.join(work, 'dist')}`,
  ])
  // electron-builder keeps quiet under VITEST; its log says what it did, so it runs as from a shell.
  const env = { ...process.env }
  delete env.VITEST
  const r = spawnSync(c.file, c.args, { cwd: root, shell: c.shell, encoding: 'utf8', timeout: 240_000, env })
  log = `${r.stdout}\n${r.stderr}`
  if (r.status !== 0) throw new Error(`electron-builder failed (${r.status}):\n${log}`)
  appDir = path.join(work, 'dist', process.arch === 'x64' ? 'linux-unpacked' : `linux-${process.arch}-unpacked`)
  entries = asar.listPackage(path.join(appDir, 'resources', 'app.asar'), { isPack: false }).map((e) => e.replaceAll('\\', '/'))
}, 300_000)

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe('electron-builder --linux dir against a stand-in Electron', () => {
  test('nothing is rebuilt: node_modules is packed as it is', () => {
    expect(log).toContain('skipped dependencies rebuild')
    expect(log).not.toMatch(/rebuilding native dependencies|node-gyp/i)
  })

  test('the asar holds the built main, preload and renderer and the production dependencies', () => {
    for (const f of ['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html']) expect(entries, f).toContain(f)
    // The worker threads' files beside the main bundle (the journal's verification, the 日次取扱一覧's PDF).
    for (const f of ['/out/main/verifyWorker.js', '/out/main/journalPdfWorker.js']) expect(entries, f).toContain(f)
    const packaged = JSON.parse(asar.extractFile(path.join(appDir, 'resources', 'app.asar'), 'package.json').toString()) as { main: string }
    expect(packaged.main).toBe('out/main/index.js')
    for (const dep of Object.keys(pkg.dependencies as object)) expect(entries, dep).toContain(`/node_modules/${dep}/package.json`)
    expect(entries).toContain('/node_modules/better-sqlite3/lib/index.js')
    // The forms' two font weights, and only those.
    expect(entries.some((e) => e.startsWith('/node_modules/@expo-google-fonts/noto-sans-jp/400Regular/'))).toBe(true)
    expect(entries.some((e) => e.startsWith('/node_modules/@expo-google-fonts/noto-sans-jp/900Black/'))).toBe(false)
  })

  test('no sources, tests, scripts, dev dependencies (Node 22 itself among them) or source maps', () => {
    const top = new Set(entries.map((e) => e.split('/')[1]))
    expect([...top].sort()).toEqual(['node_modules', 'out', 'package.json'])
    for (const dev of Object.keys(pkg.devDependencies as object)) expect(entries, dev).not.toContain(`/node_modules/${dev}/package.json`)
    expect(entries.filter((e) => /\.(map|ts|mts|cts)$/.test(e))).toEqual([])
    expect(entries.filter((e) => e.startsWith('/node_modules/better-sqlite3/') && /\/(src|deps)\/|binding\.gyp$/.test(e))).toEqual([])
  })

  test('the renderer\'s fonts are woff2 only', () => {
    const assets = entries.filter((e) => e.startsWith('/out/renderer/'))
    expect(assets.filter((e) => e.endsWith('.woff2')).length).toBeGreaterThan(100)
    expect(assets.filter((e) => e.endsWith('.woff'))).toEqual([])
    expect(entries.filter((e) => e.endsWith('.woff'))).toEqual([])
  })

  test("only better-sqlite3's prebuilt binary for the target is unpacked, byte for byte the npm package's", () => {
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked')
    const files = (fs.readdirSync(unpacked, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(unpacked, f)).isFile())
    expect(files.map((f) => f.replaceAll('\\', '/'))).toEqual([`node_modules/better-sqlite3/prebuilds/${prebuild}`])
    expect(sha256(path.join(unpacked, files[0]!))).toBe(binaryBefore)
    // The other platforms' binaries are not shipped at all.
    expect(entries.filter((e) => e.includes('/better-sqlite3/prebuilds/') && e.endsWith('.node'))).toEqual([`/node_modules/better-sqlite3/prebuilds/${prebuild}`])
  })

  test('the fuses are flipped in the packaged executable: no RunAsNode, NODE_OPTIONS or --inspect; asar only, integrity-checked', () => {
    const exe = fs.readFileSync(path.join(appDir, String(pkg.name)))
    const at = exe.indexOf(SENTINEL) + SENTINEL.length
    expect(exe[at]).toBe(1)
    const wire = exe.subarray(at + 2, at + 2 + exe[at + 1]!).toString('latin1')
    // RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar, (V8 snapshot, file:// privileges as shipped)
    expect(wire).toBe('01001101')
  })

  test("node_modules' better-sqlite3 is untouched and still loads in Node", () => {
    expect(sha256(nodeBinary)).toBe(binaryBefore)
    expect(fs.existsSync(path.join(root, 'node_modules/better-sqlite3/build'))).toBe(false)
    const r = spawnSync(process.execPath, ['-e', "const D = require('better-sqlite3'); console.log(new D(':memory:').prepare('SELECT sqlite_version() AS v').get().v)"], { cwd: root, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.trim()).toMatch(/^3\.\d+\.\d+$/)
  })
})

describe('the packed app runs', () => {
  test('its main process starts from what was packed (asar and unpacked binary): ledger, IPC, a login, a form built with the packed fonts', async () => {
    const extracted = path.join(work, 'extracted')
    asar.extractAll(path.join(appDir, 'resources', 'app.asar'), extracted)
    const dataDir = path.join(work, 'ledger')
    const r = loadMainBundle({ bundle: path.join(extracted, 'out/main/index.js'), isPackaged: true, env: { OTP_DATA_DIR: dataDir, OTP_DEMO: '1', ELECTRON_RENDERER_URL: undefined } })
    try {
      await expect.poll(() => r.windows.length, { timeout: 20_000 }).toBe(1)
      expect(r.dialogs).toEqual([])
      const page = pathToFileURL(path.join(extracted, 'out/renderer/index.html')).href
      expect(fs.existsSync((r.windows[0]!.options.webPreferences as { preload: string }).preload)).toBe(true)
      expect(await invokeAs('otp:auth.login', page, { loginId: 'teller1', password: 'demo-pass-2026' })).toMatchObject({ ok: true })
      const db = new (createRequire(path.join(extracted, 'package.json'))('better-sqlite3'))(path.join(dataDir, 'ledger.sqlite'), { readonly: true })
      const c = db.prepare("SELECT * FROM customers WHERE otp_status = 'unregistered' ORDER BY id LIMIT 1").get() as CustomerRow
      db.close()
      const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10)
      const req = (await invokeAs('otp:requests.receiveNewApplication', page, newApplicationForm(c, today))) as { ok: boolean; value: { id: number } }
      expect(req.ok).toBe(true)
      const doc = (await invokeAs('otp:forms.preview', page, { requestId: req.value.id, form: 'customer_receipt' })) as { ok: boolean; value: { pdfBase64: string } }
      expect(doc.ok).toBe(true)
      expect(Buffer.from(doc.value.pdfBase64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-')
      // The 日次取扱一覧, rendered in the packed worker (out/main/journalPdfWorker.js) with the packed fonts.
      expect(await invokeAs('otp:auth.login', page, { loginId: 'super1', password: 'demo-pass-2026' })).toMatchObject({ ok: true })
      const journal = (await invokeAs('otp:forms.previewDailyJournal', page, { businessDate: today })) as { ok: boolean; value: { pdfBase64: string } }
      expect(journal.ok).toBe(true)
      expect(Buffer.from(journal.value.pdfBase64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-')
    } finally {
      await quitApp()
    }
  })
})

describe("the deb's metadata, by electron-builder's own check", () => {
  const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { deb?: object; linux?: { maintainer?: string } }
  /** FpmTarget's check on a package.json, with the deb options of electron-builder.yml. */
  const check = (metadata: Record<string, unknown>) => {
    const info = { metadata, repositoryInfo: Promise.resolve(null) }
    const appInfo = { info, notNullDevMetadata: metadata, computePackageUrl: AppInfo.prototype.computePackageUrl }
    return FpmTarget.prototype.computeFpmMetaInfoOptions.call({ packager: { appInfo, info }, options: { ...config.linux, ...config.deb } })
  }

  test('package.json has what the deb needs: homepage and the author with an e-mail', async () => {
    const meta = await check(pkg)
    expect(meta.url).toBe(pkg.homepage)
    expect(meta.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/)
  })

  test('the same check refuses a package.json without them (as it did before)', async () => {
    const { homepage: _h, author: _a, ...bare } = pkg
    await expect(check(bare)).rejects.toThrow(/homepage[\s\S]*email|email[\s\S]*homepage/i)
  })
})
