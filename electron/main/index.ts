// The Electron main process: opens and migrates the ledger before the first window, registers
// exactly the contract's operations on IPC, and locks the windows down (context isolation,
// sandbox, no Node in the page, CSP, no navigation, no new windows, no permissions). Any failure
// to start (the ledger, the page, the renderer process) is shown in a Japanese dialog and logged,
// and the app then quits and frees the single-instance lock: never a process without a window.
import os from 'node:os'
import path from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, session, type WebContents } from 'electron'
import { AppError } from '../../shared/errors'
import { EVENT_CHANNEL, OPERATION_NAMES, channelOf } from '../../shared/operations'
import { parseIdleMs, parseLaunchOptions } from './args'
import type { AppContext } from './context'
import { dispatch } from './dispatcher'
import { openApp } from './ledger'
import { backupDirOf, latestGoodBackup } from '../../db/backup'
import { releaseInUse } from '../../db/ledgerFile'
import { restoreLatestAtStart } from './services/restore'
import { warmUpPdf } from '../../forms/render'
import { createLogger } from './logger'
import { productionMenuTemplate } from './menu'
import { ownPageMatcher, ownPageUrl, type OwnPage } from './own-page'
import { flushRefusals } from './refusals'
import { parseServerLedger, type ServerLedgerConfig } from './serverLedger'
import { loadLedgerPassword, saveLedgerPassword } from './ledgerCredential'

const TITLE = '窓口OTP事務を起動できません'
const page: OwnPage = {
  devServerUrl: process.env.ELECTRON_RENDERER_URL, // set by `electron-vite dev` only
  file: path.join(__dirname, '../renderer/index.html'),
  platform: process.platform,
}
const isOwnPage = ownPageMatcher(page)

let ctx: AppContext | null = null
let failed = false

/** The data folder once the launch options are read: a failure before the ledger is open is
 * still logged in its logs/app.log. */
let dataDir: string | null = null

/** Writes a log line: into the data folder's app.log (the ledger's logger once it is open), and
 * on stderr while the ledger is not open. */
function logError(code: string, detail: Record<string, unknown>, msg: string): void {
  if (ctx) return void ctx.logger.error({ code, ...detail }, msg)
  console.error(JSON.stringify({ level: 'error', code, ...detail, msg }))
  try {
    if (dataDir) createLogger(dataDir).error({ code, ...detail }, msg)
  } catch {
    // The data folder itself is unusable: stderr and the dialog are all there is.
  }
}

async function closeLedger(): Promise<void> {
  if (!ctx) return
  try {
    ctx.stopWatching?.()
    await flushRefusals(ctx) // the counts of repeated refusals still in memory
    ctx.sqlite?.pragma('wal_checkpoint(TRUNCATE)')
    await ctx.ledger.close()
  } catch (err) {
    ctx.logger.error({ code: 'LEDGER_CLOSE_FAILED', err }, 'closing the ledger failed')
  }
  // The ledger is free for `npm run restore` once the app has closed it.
  releaseInUse(ctx.dataDir)
  ctx = null
}

/** A failure the app cannot go on from: log it, tell the user in Japanese (unless a dialog has just
 * told them), quit and free the lock. */
function failStartup(code: string, message: string, err?: unknown, alreadyShown = false): void {
  if (failed) return
  failed = true
  logError(code, { err: err instanceof Error ? { message: err.message, stack: err.stack } : err }, 'the app cannot go on')
  if (!alreadyShown) dialog.showErrorBox(TITLE, message)
  for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.destroy()
  void closeLedger().finally(() => {
    app.releaseSingleInstanceLock()
    app.exit(1)
  })
}

/**
 * A ledger that is missing or damaged, and a verified backup to put back: the refusal offers the
 * restore right there, since an installed app has no command line (npm run restore) to send anyone
 * to. Only the newest verified backup, verified again in full; whatever file was there is kept in
 * replaced/, nothing is discarded; the restore is audited in the restored ledger as done at the
 * machine by the operating-system user, and everyone then logs in with the accounts it holds.
 * Returns what came of it: restored (the start goes on), declined (the user has read the refusal
 * and chose to quit), or not offered (no verified backup, or another refusal).
 */
async function offerRestoreAtStart(dir: string, refusal: AppError): Promise<'restored' | 'declined' | 'not-offered'> {
  if (refusal.code !== 'LEDGER_MISSING' && refusal.code !== 'LEDGER_DAMAGED') return 'not-offered'
  if (!latestGoodBackup([backupDirOf(dir), path.join(dir, 'backups')])) return 'not-offered'
  logError(refusal.code, {}, 'the ledger cannot be opened: the latest verified backup is offered')
  const choice = dialog.showMessageBoxSync({
    type: 'error',
    title: TITLE,
    message: refusal.code === 'LEDGER_MISSING' ? '台帳ファイルが見つかりません' : '台帳ファイルが破損しています',
    detail: refusal.message,
    buttons: ['終了', '最新のバックアップから復元'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  })
  if (choice !== 1) {
    failStartup(refusal.code, refusal.message, refusal, true)
    return 'declined'
  }
  try {
    const r = await restoreLatestAtStart(dir, { osUser: os.userInfo().username, logger: createLogger(dir) })
    dialog.showMessageBoxSync({
      type: 'info',
      title: '窓口OTP事務',
      message: 'バックアップから台帳を復元しました',
      detail:
        `復元したバックアップ: ${r.restored.name}\n` +
        (r.replacedDir ? `元の台帳ファイルの保管先: ${r.replacedDir}\n` : '') +
        'ログインし、バックアップの作成後に受け付けた依頼がないか、紙の依頼書と照合してください。',
      buttons: ['OK'],
      noLink: true,
    })
    return 'restored'
  } catch (err) {
    failStartup(
      'RESTORE_FAILED',
      `バックアップから復元できませんでした。\n${err instanceof Error ? err.message : String(err)}\n台帳は変更していません。システム管理者に連絡してください。`,
      err,
    )
    return 'declined'
  }
}

function sessionKeyOf(wc: WebContents): string {
  return `wc:${wc.id}`
}

function registerIpc(c: AppContext): void {
  for (const op of OPERATION_NAMES) {
    ipcMain.handle(channelOf(op), async (event, payload: unknown, meta: unknown) => {
      // Only our own page may call: a frame that navigated elsewhere (it cannot, but still) is refused.
      const url = event.senderFrame?.url
      if (!url || !isOwnPage(url)) {
        c.logger.warn({ code: 'FOREIGN_SENDER', op, url }, 'refused IPC from a page that is not ours')
        return { ok: false, error: new AppError('FOREIGN_SENDER').toPayload() }
      }
      const background = (meta as { background?: unknown } | null)?.background === true
      return dispatch(c, op, payload, sessionKeyOf(event.sender), { background })
    })
  }
  c.events.on('changed', (e) => {
    for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.webContents.send(EVENT_CHANNEL, e)
  })
}

function lockDown(c: AppContext): void {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
    c.logger.warn({ permission }, 'permission request denied')
    callback(false)
  })
  session.defaultSession.setPermissionCheckHandler(() => false)
  // PDFs the page offers for download (お客さま控) go through the system's save dialog; a branch
  // that wants them saved to a fixed folder without asking (a kiosk, the e2e tests) sets
  // OTP_DOWNLOAD_DIR. The page never chooses the path.
  const downloadDir = process.env.OTP_DOWNLOAD_DIR
  session.defaultSession.on('will-download', (_e, item) => {
    const name = path.basename(item.getFilename())
    if (downloadDir) item.setSavePath(path.join(downloadDir, name))
    else item.setSaveDialogOptions({ defaultPath: path.join(app.getPath('documents'), name), filters: [{ name: 'PDF', extensions: ['pdf'] }] })
  })
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!isOwnPage(url)) e.preventDefault()
    })
    contents.on('will-redirect', (e) => e.preventDefault())
    contents.on('will-attach-webview', (e) => e.preventDefault())
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
    contents.on('destroyed', () => c.sessions.delete(sessionKeyOf(contents)))
  })
}

function createWindow(c: AppContext): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 1024,
    minHeight: 700,
    title: c.demo ? '窓口OTP事務（デモ）' : '窓口OTP事務',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  })
  win.once('ready-to-show', () => win.show())
  const wc = win.webContents
  wc.on('did-fail-load', (_e, errorCode, errorDescription, validatedURL, isMainFrame) => {
    // -3 (ERR_ABORTED) is a navigation we cancelled ourselves, not a failure.
    if (!isMainFrame || errorCode === -3) return
    failStartup(
      'PAGE_LOAD_FAILED',
      `画面を読み込めませんでした（${errorCode} ${errorDescription}）。\nアプリを終了します。もう一度起動し、直らない場合はシステム管理者に連絡してください。`,
      { errorCode, errorDescription, url: validatedURL },
    )
  })
  wc.on('render-process-gone', (_e, details) => {
    if (details.reason === 'clean-exit') return
    failStartup(
      'RENDERER_GONE',
      `画面の処理が異常終了しました（${details.reason}）。\nアプリを終了します。登録済みの内容は台帳に保存されています。もう一度起動してください。`,
      details,
    )
  })
  wc.on('preload-error', (_e, preloadPath, error) => {
    failStartup('PRELOAD_FAILED', '画面の準備（preload）に失敗しました。\nアプリを終了します。システム管理者に連絡してください。', { preloadPath, message: error.message })
  })
  wc.loadURL(ownPageUrl(page)).catch((err: unknown) => {
    // did-fail-load has shown the dialog for a real failure; an aborted load is not one.
    if ((err as { code?: string })?.code === 'ERR_ABORTED') return
    failStartup('PAGE_LOAD_FAILED', '画面を読み込めませんでした。\nアプリを終了します。もう一度起動し、直らない場合はシステム管理者に連絡してください。', err)
  })
  return win
}

/** The server ledger's password from the OS keystore: stored first when asked
 * (--save-ledger-password with OTP_LEDGER_PASSWORD, removed from the environment at once). */
function withStoredPassword(server: ServerLedgerConfig): ServerLedgerConfig {
  const dir = app.getPath('userData')
  // Read once and removed from this process's environment (child processes started later do not
  // inherit it; the OS keeps the starting environment readable by the same OS user only).
  const given = process.env.OTP_LEDGER_PASSWORD
  delete process.env.OTP_LEDGER_PASSWORD
  if (process.argv.includes('--save-ledger-password')) saveLedgerPassword(dir, safeStorage, given ?? '')
  const password = loadLedgerPassword(dir, safeStorage)
  return password ? { ...server, password } : server
}

async function main(): Promise<void> {
  // The Electron e2e tests (and anyone who needs a second, separate instance) give the app its own
  // user-data folder, so that the single-instance lock of an app already open does not stop it.
  if (process.env.OTP_USER_DATA_DIR) app.setPath('userData', path.resolve(process.env.OTP_USER_DATA_DIR))
  // One app per machine user: a second launch (a double-click) brings up the open window instead
  // of opening the ledger a second time.
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  app.on('second-instance', () => {
    const w = BrowserWindow.getAllWindows()[0]
    if (!w) return
    if (w.isMinimized()) w.restore()
    if (!w.isVisible()) w.show()
    w.focus()
  })
  await app.whenReady()
  // Chromium's sandbox is switched off only by `npm start`/`npm run dev` on a development machine
  // that cannot run it (scripts/sandbox.mjs). An installed app never runs without it.
  if (app.isPackaged && app.commandLine.hasSwitch('no-sandbox')) {
    failStartup('NO_SANDBOX_REFUSED', 'サンドボックスを無効にした状態（--no-sandbox）では起動できません。\nショートカットの設定を確認してください。')
    return
  }
  let launch: ReturnType<typeof parseLaunchOptions>
  let sessionIdleMs: number | undefined
  let server: ServerLedgerConfig | null
  try {
    launch = parseLaunchOptions(process.argv, process.env, app.getPath('userData'))
    sessionIdleMs = parseIdleMs(process.argv, process.env)
    server = parseServerLedger(process.argv, process.env)
    if (server) server = withStoredPassword(server)
  } catch (err) {
    failStartup('BAD_LAUNCH_OPTIONS', `起動オプションが正しくありません。\n${(err as Error).message}`, err)
    return
  }
  dataDir = launch.dataDir
  // The refusals name what this app offers (the restore below, the バックアップ screen), never npm.
  const open = () => openApp({ ...launch, server, sessionIdleMs, transport: 'ipc', version: app.getVersion(), recovery: 'app' })
  try {
    try {
      ctx = await open()
    } catch (err) {
      if (!(err instanceof AppError) || (await offerRestoreAtStart(launch.dataDir, err)) !== 'restored') throw err
      ctx = await open()
    }
  } catch (err) {
    if (failed) return // the user chose to quit at the offer, or the restore failed and said so
    // openApp says in Japanese what is wrong with the ledger (missing, damaged, too new…).
    const message =
      err instanceof AppError ? err.message : `台帳（${launch.dataDir}）を開けませんでした。\n${String((err as Error)?.message ?? err)}`
    failStartup(err instanceof AppError ? err.code : 'LEDGER_OPEN_FAILED', message, err)
    return
  }
  const c = ctx
  // Imports and exports ask the user where the file is / goes (issue 14); the page never names a path.
  c.fileDialogs = {
    async chooseOpen(o) {
      const win = BrowserWindow.getFocusedWindow()
      const r = win ? await dialog.showOpenDialog(win, { ...o, properties: ['openFile'] }) : await dialog.showOpenDialog({ ...o, properties: ['openFile'] })
      return r.canceled ? null : (r.filePaths[0] ?? null)
    },
    async chooseSave(o) {
      const win = BrowserWindow.getFocusedWindow()
      const opts = { title: o.title, defaultPath: path.join(app.getPath('documents'), o.defaultName), filters: o.filters }
      const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts)
      return r.canceled ? null : (r.filePath ?? null)
    },
  }
  if (app.isPackaged) Menu.setApplicationMenu(Menu.buildFromTemplate(productionMenuTemplate(process.platform)))
  lockDown(c)
  registerIpc(c)
  // The first print as fast as a later one: pdfmake and the fonts load once the window is up.
  createWindow(c).once('ready-to-show', () => setTimeout(() => void warmUpPdf(), 300))
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(c)
  })
  app.on('window-all-closed', () => app.quit())
  // The refusal counts still in memory are written before the ledger closes: the quit waits for it.
  let closing: Promise<void> | null = null
  app.on('will-quit', (e) => {
    if (!ctx) return
    e.preventDefault()
    if (closing) return
    closing = closeLedger().finally(() => app.quit())
  })
}

main().catch((err: unknown) => {
  failStartup('STARTUP_FAILED', `起動中にエラーが発生しました。\n${String((err as Error)?.message ?? err)}\nシステム管理者に連絡してください。`, err)
})
