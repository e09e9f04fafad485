// The built main process (out/main/index.js, as Electron would run it) against a stand-in of
// Electron's API that records what it is asked. Electron's runtime cannot be downloaded here;
// everything the main process decides is checked: the ledger is migrated before the first window,
// exactly the contract's channels are registered, the window's options, the sender check, the
// navigation/window.open/permission/download handlers, results that survive structured clone, and
// what happens when the start fails (a dialog, a log line, quit, the lock freed).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi, type MockInstance } from 'vitest'
import { writeBackup } from '../../db/backup'
import { LATEST_SCHEMA_VERSION } from '../../db/migrations'
import { openSqlite } from '../../db/open'
import { ERROR_MESSAGES } from '../../shared/errors'
import { EVENT_CHANNEL, OPERATION_NAMES, channelOf } from '../../shared/operations'
import { buildIsFresh } from '../../scripts/lib.mjs'
import { newApplicationForm, type CustomerRow } from '../helpers/forms'
import { electronStandIn, fakeApp, invokeAs, loadMainBundle, mainBundle, quitApp, rendererIndex, type LoadOptions, type Recording } from './stand-in'

const ownPage = pathToFileURL(rendererIndex).href
const TITLE = '窓口OTP事務を起動できません'

beforeAll(() => {
  if (!buildIsFresh()) throw new Error('out/ is missing or older than the sources: run `npm run build` first (npm test builds before it tests)')
})

let dirs: string[] = []
/** Failures before the ledger is open are logged on stderr: kept from the test output, and read. */
let errors: MockInstance<typeof console.error>
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterEach(async () => {
  errors.mockRestore()
  await quitApp()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  dirs = []
})

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-main-bundle-'))
  dirs.push(d)
  return d
}

/** Loads the bundle on a fresh demo ledger and waits until its start is over (window or failure). */
async function start(opts: LoadOptions = {}, dataDir = tempDir()): Promise<Recording & { dataDir: string }> {
  const r = loadMainBundle({
    ...opts,
    env: { OTP_DATA_DIR: dataDir, OTP_DEMO: '1', OTP_DOWNLOAD_DIR: undefined, ELECTRON_RENDERER_URL: undefined, OTP_USER_DATA_DIR: undefined, ...opts.env },
  })
  await vi.waitFor(() => expect(r.windows.length > 0 || r.calls.some((c) => c.startsWith('exit')) || r.calls.includes('quit')).toBe(true), { timeout: 15_000 })
  return Object.assign(r, { dataDir })
}

const japanToday = (): string => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10)

function appLog(dataDir: string): string {
  const f = path.join(dataDir, 'logs', 'app.log')
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : ''
}

describe('a normal start', () => {
  test('the ledger is migrated (and the demo seeded) before the first window is created', async () => {
    let versionAtWindow = -1
    let customersAtWindow = -1
    const dataDir = tempDir()
    await start(
      {
        onWindowCreated: () => {
          const db = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true })
          versionAtWindow = db.pragma('user_version', { simple: true }) as number
          customersAtWindow = (db.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n
          db.close()
        },
      },
      dataDir,
    )
    expect(versionAtWindow).toBe(LATEST_SCHEMA_VERSION)
    expect(customersAtWindow).toBeGreaterThan(0)
  })

  test('exactly the contract\'s channels are registered, once each', async () => {
    const r = await start()
    expect([...r.handles.keys()].sort()).toEqual(OPERATION_NAMES.map(channelOf).sort())
  })

  test('the window: isolated, sandboxed, no Node, preload that exists, hidden until ready, then shown', async () => {
    const r = await start()
    expect(r.windows).toHaveLength(1)
    const win = r.windows[0]!
    const prefs = win.options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false, devTools: true })
    expect(prefs.nodeIntegrationInSubFrames).toBeUndefined()
    expect(prefs.preload).toBe(path.join(path.dirname(mainBundle), '../preload/index.cjs'))
    expect(fs.existsSync(prefs.preload as string)).toBe(true)
    expect(win.options.show).toBe(false)
    expect(win.webContents.loaded).toEqual([ownPage])
    expect(win.isVisible()).toBe(false)
    win.emit('ready-to-show')
    expect(win.isVisible()).toBe(true)
    // Not packaged: Electron's default menu stays (it has DevTools for the developer).
    expect(r.menu).toBeNull()
  })

  test('navigation, redirects, webviews, window.open and permissions are denied; downloads go where the main process says', async () => {
    const r = await start({ env: { OTP_DOWNLOAD_DIR: '/srv/otp-downloads' } })
    const wc = r.windows[0]!.webContents
    const navigate = (url: string) => {
      const e = { preventDefault: vi.fn() }
      wc.emit('will-navigate', e, url)
      return e.preventDefault.mock.calls.length > 0
    }
    expect(navigate('https://example.com/')).toBe(true)
    expect(navigate('file:///etc/passwd')).toBe(true)
    expect(navigate(`${ownPage}#/customers`)).toBe(false)
    for (const ev of ['will-redirect', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() }
      wc.emit(ev, e, 'https://example.com/')
      expect(e.preventDefault, ev).toHaveBeenCalled()
    }
    expect(wc.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    const granted = vi.fn()
    r.permissionRequest!(wc, 'media', granted)
    expect(granted).toHaveBeenCalledWith(false)
    expect(r.permissionCheck!(wc, 'clipboard-read')).toBe(false)

    const item = { getFilename: () => '../../evil/001-20261121-0001_お客さま控.pdf', setSavePath: vi.fn(), setSaveDialogOptions: vi.fn() }
    const { session } = electronStandIn
    session.defaultSession.emit('will-download', {}, item)
    expect(item.setSavePath).toHaveBeenCalledWith(path.join('/srv/otp-downloads', '001-20261121-0001_お客さま控.pdf'))
  })

  test('without OTP_DOWNLOAD_DIR a download goes through the save dialog, in Documents, as a PDF', async () => {
    await start()
    const item = { getFilename: () => 'x.pdf', setSavePath: vi.fn(), setSaveDialogOptions: vi.fn() }
    const { session } = electronStandIn
    session.defaultSession.emit('will-download', {}, item)
    expect(item.setSavePath).not.toHaveBeenCalled()
    expect(item.setSaveDialogOptions).toHaveBeenCalledWith({ defaultPath: path.join(fakeApp.getPath('documents'), 'x.pdf'), filters: [{ name: 'PDF', extensions: ['pdf'] }] })
  })
})

describe('the sender check: only our own page may call', () => {
  const refused = { ok: false, error: { code: 'FOREIGN_SENDER', message: ERROR_MESSAGES.FOREIGN_SENDER } }

  test('the built page (any route) is served; any other page, file or frame is refused with FOREIGN_SENDER', async () => {
    const r = await start()
    const info = channelOf('system.info')
    for (const url of [ownPage, `${ownPage}#/customers`, `${ownPage}?x=1#/review`]) expect(await invokeAs(info, url, {}), url).toMatchObject({ ok: true })
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:5173/',
      'file:///etc/passwd',
      pathToFileURL(path.join(path.dirname(rendererIndex), 'other.html')).href,
      ownPage.replace('index.html', 'INDEX.html'), // Linux: another file
      ownPage.replace('file://', 'file://fileserver'),
      'about:blank',
      'not a url',
      '',
      null,
    ])
      expect(await invokeAs(info, url, {}), String(url)).toEqual(refused)
    expect(appLog(r.dataDir)).toContain('"code":"FOREIGN_SENDER"')
  })

  test('on a case-insensitive file system (macOS) the same file in another case is our page', async () => {
    await start({ platform: 'darwin' })
    const upper = ownPage.replace('/out/renderer/index.html', '/OUT/Renderer/INDEX.html')
    expect(await invokeAs(channelOf('system.info'), upper, {})).toMatchObject({ ok: true })
    expect(await invokeAs(channelOf('system.info'), upper.replace('INDEX', 'OTHER'), {})).toEqual(refused)
  })

  test('in development (electron-vite dev) the dev server\'s origin is our page, nothing else', async () => {
    const r = await start({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } })
    expect(r.windows[0]!.webContents.loaded).toEqual(['http://localhost:5173'])
    const info = channelOf('system.info')
    expect(await invokeAs(info, 'http://localhost:5173/#/customers', {})).toMatchObject({ ok: true })
    for (const url of ['http://localhost:5174/', 'http://127.0.0.1:5173/', ownPage, 'https://localhost:5173/']) expect(await invokeAs(info, url, {}), url).toEqual(refused)
  })
})

describe('results cross the IPC boundary', () => {
  test('every channel answers a bad payload with an envelope that survives structured clone unchanged', async () => {
    await start()
    for (const op of OPERATION_NAMES) {
      const r = await invokeAs(channelOf(op), ownPage, { unexpected: 1 })
      expect(structuredClone(r), op).toStrictEqual(r)
    }
  })

  test('a teller\'s day (login, search, customer, 新規申込, お客さま控 preview and print) returns only structured-cloneable values', async () => {
    const r = await start()
    const results: Array<[string, unknown]> = []
    const call = async (op: (typeof OPERATION_NAMES)[number], payload: unknown) => {
      const res = (await invokeAs(channelOf(op), ownPage, payload)) as { ok: boolean; value?: unknown; error?: unknown }
      results.push([op, res])
      if (!res.ok) throw new Error(`${op}: ${JSON.stringify(res.error)}`)
      return res.value as never
    }
    await call('system.info', {})
    await call('auth.state', {})
    await call('auth.login', { loginId: 'teller1', password: 'demo-pass-2026' })
    const found: Array<{ id: number }> = await call('customers.search', { kana: 'ﾀﾅｶ' })
    await call('customers.get', { customerId: found[0]!.id })
    const db = new Database(path.join(r.dataDir, 'ledger.sqlite'), { readonly: true })
    const c = db.prepare("SELECT * FROM customers WHERE otp_status = 'unregistered' ORDER BY id LIMIT 1").get() as CustomerRow
    db.close()
    const req: { id: number } = await call('requests.receiveNewApplication', newApplicationForm(c, japanToday()))
    await call('forms.preview', { requestId: req.id, form: 'customer_receipt' })
    await call('forms.print', { requestId: req.id, form: 'customer_receipt' })
    expect(results).toHaveLength(8)
    for (const [op, res] of results) expect(structuredClone(res), op).toStrictEqual(res)
    // The change reached the window on the event channel.
    expect(r.windows[0]!.webContents.sent.some((s) => s.channel === EVENT_CHANNEL)).toBe(true)
  })
})

describe('the full verification of the journal, over IPC', () => {
  test('runs in the worker built beside the bundle (out/main/verifyWorker.js) and is kept as the checkpoint', async () => {
    expect(fs.existsSync(path.join(path.dirname(mainBundle), 'verifyWorker.js'))).toBe(true)
    const r = await start()
    const call = async (op: (typeof OPERATION_NAMES)[number], payload: unknown) =>
      (await invokeAs(channelOf(op), ownPage, payload)) as { ok: boolean; value?: never; error?: { code: string } }
    expect(await call('auth.login', { loginId: 'admin1', password: 'demo-pass-2026' })).toMatchObject({ ok: true })
    const verified = await call('integrity.verify', {})
    expect(verified).toMatchObject({ ok: true, value: { ok: true, mode: 'full' } })
    expect(structuredClone(verified)).toStrictEqual(verified)
    const status = await call('integrity.status', {})
    expect(status).toMatchObject({ ok: true, value: { ok: true, running: null, lastFullCheckedAt: (verified.value as unknown as { checkedAt: string }).checkedAt } })
    expect(appLog(r.dataDir)).not.toContain('BACKGROUND_VERIFY_FAILED')
  })
})

describe('the 日次取扱一覧, over IPC', () => {
  test('is rendered in the worker built beside the bundle (out/main/journalPdfWorker.js): preview and print', async () => {
    expect(fs.existsSync(path.join(path.dirname(mainBundle), 'journalPdfWorker.js'))).toBe(true)
    await start()
    const call = async (op: (typeof OPERATION_NAMES)[number], payload: unknown) =>
      (await invokeAs(channelOf(op), ownPage, payload)) as { ok: boolean; value?: { pdfBase64: string; printCount: number }; error?: { code: string } }
    expect(await call('auth.login', { loginId: 'super1', password: 'demo-pass-2026' })).toMatchObject({ ok: true })
    const businessDate = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10)
    const preview = await call('forms.previewDailyJournal', { businessDate })
    expect(preview).toMatchObject({ ok: true, value: { printCount: 0 } })
    expect(Buffer.from(preview.value!.pdfBase64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const printed = await call('forms.printDailyJournal', { businessDate })
    expect(printed).toMatchObject({ ok: true, value: { printCount: 0, reprint: false } })
    expect(structuredClone(printed)).toStrictEqual(printed)
  })
})

describe('restoring a backup from the screen, over IPC', () => {
  test('the main process swaps the restored ledger in: the window logs in again and sees the backup\'s state; quitting closes it', async () => {
    const r = await start({ isPackaged: true })
    const call = async (op: (typeof OPERATION_NAMES)[number], payload: unknown) =>
      (await invokeAs(channelOf(op), ownPage, payload)) as { ok: boolean; value?: never; error?: { code: string } }
    expect(await call('auth.login', { loginId: 'admin1', password: 'demo-pass-2026' })).toMatchObject({ ok: true })
    const job = (await call('backups.start', {})).value as unknown as { state: string }
    expect(job.state).toBe('running')
    let ov: { job: { state: string; result: { name: string } | null } | null } = { job: null }
    await vi.waitFor(async () => {
      ov = (await call('backups.overview', {})).value as never
      expect(ov.job?.state).toBe('done')
    })
    const staffBefore = ((await call('staff.list', {})).value as unknown as unknown[]).length
    expect(await call('staff.create', { loginId: 'after1', name: '後 一郎', role: 'teller', password: 'first-pass-2026' })).toMatchObject({ ok: true })

    const done = await call('backups.restore', { name: ov.job!.result!.name, password: 'demo-pass-2026' })
    expect(done).toMatchObject({ ok: true, value: { name: ov.job!.result!.name, sessionsEnded: 1 } })
    expect(structuredClone(done)).toStrictEqual(done)
    expect((await call('staff.list', {})).error?.code).toBe('NOT_AUTHENTICATED')
    expect(await call('auth.login', { loginId: 'admin1', password: 'demo-pass-2026' })).toMatchObject({ ok: true })
    expect(((await call('staff.list', {})).value as unknown as unknown[]).length).toBe(staffBefore)
    await quitApp()
    // The restored ledger was the one closed at quit: checkpointed, no WAL left beside it.
    expect(fs.existsSync(path.join(r.dataDir, 'ledger.sqlite-wal'))).toBe(false)
    expect(fs.readdirSync(path.join(r.dataDir, 'replaced'))).toHaveLength(1)
  })
})

describe('a start that fails is shown, logged, and quits freeing the lock', () => {
  async function expectFailed(r: Recording, message: RegExp): Promise<void> {
    // The ledger is closed (what is still in memory written first), then the lock freed and the app ended.
    await vi.waitFor(() => expect(r.calls).toContain('exit:1'))
    expect(r.dialogs).toHaveLength(1)
    expect(r.dialogs[0]!.title).toBe(TITLE)
    expect(r.dialogs[0]!.message).toMatch(message)
    expect(r.calls).toContain('releaseSingleInstanceLock')
    expect(r.calls).toContain('exit:1')
    expect(r.calls.indexOf('showErrorBox')).toBeLessThan(r.calls.indexOf('exit:1'))
    for (const w of r.windows) expect(w.isDestroyed()).toBe(true)
  }

  test('a page that fails to load', async () => {
    const r = await start()
    r.windows[0]!.webContents.emit('did-fail-load', {}, -6, 'ERR_FILE_NOT_FOUND', ownPage, true)
    await expectFailed(r, /画面を読み込めませんでした（-6 ERR_FILE_NOT_FOUND）/)
    expect(appLog(r.dataDir)).toContain('"code":"PAGE_LOAD_FAILED"')
    // The ledger was closed: its WAL was checkpointed and removed.
    expect(fs.existsSync(path.join(r.dataDir, 'ledger.sqlite-wal'))).toBe(false)
  })

  test('a load whose promise rejects (and no did-fail-load said so)', async () => {
    const r = await start({ loadError: Object.assign(new Error('net::ERR_FAILED'), { code: 'ERR_FAILED' }) })
    await vi.waitFor(() => expect(r.dialogs).toHaveLength(1))
    await expectFailed(r, /画面を読み込めませんでした/)
  })

  test('an aborted sub-frame or cancelled load is not a failure', async () => {
    const r = await start({ loadError: Object.assign(new Error('net::ERR_ABORTED'), { code: 'ERR_ABORTED' }) })
    const wc = r.windows[0]!.webContents
    wc.emit('did-fail-load', {}, -3, 'ERR_ABORTED', ownPage, true)
    wc.emit('did-fail-load', {}, -6, 'ERR_FILE_NOT_FOUND', 'file:///x', false)
    wc.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(r.dialogs).toHaveLength(0)
    expect(r.calls).not.toContain('exit:1')
  })

  test('a renderer that dies', async () => {
    const r = await start()
    r.windows[0]!.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 })
    await expectFailed(r, /画面の処理が異常終了しました（crashed）/)
    expect(appLog(r.dataDir)).toContain('"code":"RENDERER_GONE"')
  })

  test('a ledger written by a newer app: its own Japanese message, no window, no developer hint', async () => {
    const dataDir = tempDir()
    const db = new Database(path.join(dataDir, 'ledger.sqlite'))
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`)
    db.close()
    const r = await start({}, dataDir)
    expect(r.windows).toHaveLength(0)
    await expectFailed(r, /データベースの版（\d+）がこのアプリの対応する版（\d+）より新しい|データベースがこのアプリより新しい版/)
    expect(r.dialogs[0]!.message).not.toContain('npm')
    expect(fs.readFileSync(path.join(dataDir, 'logs', 'app.log'), 'utf8')).toContain('"code":"DATABASE_TOO_NEW"')
  })

  /** A demo ledger started once, backed up (verified) and then overwritten with garbage. */
  async function damagedWithBackup(): Promise<{ dataDir: string; backup: string }> {
    const dataDir = tempDir()
    await start({}, dataDir)
    await quitApp()
    const src = openSqlite(path.join(dataDir, 'ledger.sqlite'))
    const b = await writeBackup(src, { dir: path.join(dataDir, 'backups'), kind: 'manual', dataDir })
    src.close()
    expect(b.check?.ok).toBe(true)
    fs.writeFileSync(path.join(dataDir, 'ledger.sqlite'), 'garbage')
    return { dataDir, backup: b.name }
  }

  test('a damaged ledger with a verified backup: the refusal offers the restore, and the app starts on the restored ledger', async () => {
    const { dataDir, backup } = await damagedWithBackup()
    const r = await start({ isPackaged: true, messageBoxAnswers: [1, 0] }, dataDir)
    expect(r.messageBoxes[0]!.buttons).toEqual(['終了', '最新のバックアップから復元'])
    expect(r.messageBoxes[0]!.detail).toContain(backup)
    expect(r.messageBoxes[0]!.detail).not.toMatch(/npm|--data-dir/)
    expect(r.messageBoxes[1]!.message).toBe('バックアップから台帳を復元しました')
    expect(r.messageBoxes[1]!.detail).toContain('replaced')
    expect(r.dialogs).toHaveLength(0)
    expect(r.windows).toHaveLength(1)
    expect(await invokeAs(channelOf('auth.login'), ownPage, { loginId: 'admin1', password: 'demo-pass-2026' })).toMatchObject({ ok: true })
    const replaced = fs.readdirSync(path.join(dataDir, 'replaced'))
    expect(fs.readFileSync(path.join(dataDir, 'replaced', replaced[0]!, 'ledger.sqlite'), 'utf8')).toBe('garbage')
    await quitApp()
    const db = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true })
    const row = db.prepare("SELECT actor_login_id, detail_json FROM audit_log WHERE action = 'ledger.restore'").get() as { actor_login_id: string; detail_json: string }
    db.close()
    expect(row.actor_login_id).toBe(`machine:${os.userInfo().username}`)
    expect(JSON.parse(row.detail_json)).toMatchObject({ from: backup })
    expect(appLog(dataDir)).toContain('"code":"LEDGER_RESTORED"')
  })

  test('a damaged ledger: choosing 終了 quits with nothing changed, after one dialog', async () => {
    const { dataDir } = await damagedWithBackup()
    const r = await start({ isPackaged: true, messageBoxAnswers: [0] }, dataDir)
    expect(r.messageBoxes).toHaveLength(1)
    expect(r.dialogs).toHaveLength(0)
    expect(r.windows).toHaveLength(0)
    expect(r.calls).toContain('exit:1')
    expect(fs.readFileSync(path.join(dataDir, 'ledger.sqlite'), 'utf8')).toBe('garbage')
    expect(fs.existsSync(path.join(dataDir, 'replaced'))).toBe(false)
  })

  test('a damaged ledger and no verified backup: the refusal names no developer command', async () => {
    const { dataDir } = await damagedWithBackup()
    fs.rmSync(path.join(dataDir, 'backups'), { recursive: true })
    const r = await start({ isPackaged: true }, dataDir)
    expect(r.messageBoxes).toHaveLength(0)
    await expectFailed(r, /破損しているため開けません/)
    expect(r.dialogs[0]!.message).not.toMatch(/npm|--data-dir/)
  })

  test('main() itself failing (Electron never gets ready)', async () => {
    const r = await start({ ready: Promise.reject(new Error('GPU process could not start')) })
    await expectFailed(r, /起動中にエラーが発生しました。\nGPU process could not start/)
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toContain('"code":"STARTUP_FAILED"')
  })

  test('a bad launch option', async () => {
    const r = await start({ env: { OTP_DATA_DIR: '  ' } })
    await expectFailed(r, /起動オプションが正しくありません/)
  })
})

describe('one instance, its own user data, and the packaged app', () => {
  test('a second launch quits at the lock; the first shows its hidden window and brings it up', async () => {
    const second = await start({ lockGranted: false })
    expect(second.calls).toEqual(['requestSingleInstanceLock', 'quit'])
    expect(second.windows).toHaveLength(0)

    const first = await start()
    const w = first.windows[0]!
    w.minimized = true
    expect(w.isVisible()).toBe(false)
    fakeApp.emit('second-instance', {}, [], '')
    expect(w.isVisible()).toBe(true)
    expect(w.isMinimized()).toBe(false)
    expect(w.focused).toBe(1)
  })

  test('OTP_USER_DATA_DIR gives the app its own user-data folder before it takes the lock', async () => {
    const own = tempDir()
    const r = await start({ env: { OTP_USER_DATA_DIR: own } })
    expect(r.paths.userData).toBe(own)
    expect(r.calls.indexOf('setPath:userData')).toBeLessThan(r.calls.indexOf('requestSingleInstanceLock'))
  })

  test('packaged: a minimal menu (edit with copy/paste, window) without Reload or DevTools, and no DevTools in the window', async () => {
    const r = await start({ isPackaged: true })
    const roles: string[] = []
    const walk = (items: unknown): void => {
      for (const i of items as Array<{ role?: string; submenu?: unknown }>) {
        if (i.role) roles.push(i.role)
        if (Array.isArray(i.submenu)) walk(i.submenu)
      }
    }
    expect(r.menu).not.toBeNull()
    walk(r.menu!.template)
    expect(roles).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'undo']))
    for (const bad of ['reload', 'forceReload', 'toggleDevTools', 'viewMenu', 'fileMenu']) expect(roles).not.toContain(bad)
    expect((r.windows[0]!.options.webPreferences as Record<string, unknown>).devTools).toBe(false)
  })

  test('packaged: started with --no-sandbox it refuses to run', async () => {
    const r = await start({ isPackaged: true, switches: ['no-sandbox'] })
    expect(r.windows).toHaveLength(0)
    expect(r.dialogs[0]!.message).toMatch(/--no-sandbox/)
    expect(r.calls).toContain('exit:1')
  })
})
