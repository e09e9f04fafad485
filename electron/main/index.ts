// The Electron main process: opens and migrates the ledger before the first window, registers
// exactly the contract's operations on IPC, and locks the windows down (context isolation,
// sandbox, no Node in the page, CSP, no navigation, no new windows, no permissions).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, session, type WebContents } from 'electron'
import { AppError } from '../../shared/errors'
import { EVENT_CHANNEL, OPERATION_NAMES, channelOf } from '../../shared/operations'
import { parseLaunchOptions } from './args'
import type { AppContext } from './context'
import { dispatch } from './dispatcher'
import { openApp } from './ledger'
import { electronNativeBinding } from './native'

const rendererUrl = process.env.ELECTRON_RENDERER_URL // set by `electron-vite dev` only
const rendererFile = path.join(__dirname, '../renderer/index.html')

/** Our page, and only ours: the exact dev-server origin, or exactly our built index.html. */
function isOwnPage(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (rendererUrl) return u.origin === new URL(rendererUrl).origin
  return u.protocol === 'file:' && path.resolve(fileURLToPath(u)) === path.resolve(rendererFile)
}

function sessionKeyOf(wc: WebContents): string {
  return `wc:${wc.id}`
}

function registerIpc(ctx: AppContext): void {
  for (const op of OPERATION_NAMES) {
    ipcMain.handle(channelOf(op), async (event, payload: unknown) => {
      // Only our own page may call: a frame that navigated elsewhere (it cannot, but still) is refused.
      if (!event.senderFrame || !isOwnPage(event.senderFrame.url)) {
        ctx.logger.warn({ code: 'FOREIGN_SENDER', op, url: event.senderFrame?.url }, 'refused IPC from foreign frame')
        return { ok: false, error: new AppError('FORBIDDEN_ROLE').toPayload() }
      }
      return dispatch(ctx, op, payload, sessionKeyOf(event.sender))
    })
  }
  ctx.events.on('changed', (e) => {
    for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.webContents.send(EVENT_CHANNEL, e)
  })
}

function lockDown(ctx: AppContext): void {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
    ctx.logger.warn({ permission }, 'permission request denied')
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
    contents.on('destroyed', () => ctx.sessions.delete(`wc:${contents.id}`))
  })
}

function createWindow(ctx: AppContext): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 1024,
    minHeight: 700,
    title: ctx.demo ? '窓口OTP事務（デモ）' : '窓口OTP事務',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  })
  win.once('ready-to-show', () => win.show())
  if (rendererUrl) void win.loadURL(rendererUrl)
  else void win.loadFile(rendererFile)
  return win
}

async function main(): Promise<void> {
  // One app per machine user: a second launch (a double-click) focuses the open window instead of
  // opening the ledger a second time.
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  app.on('second-instance', () => {
    const w = BrowserWindow.getAllWindows()[0]
    if (w) {
      if (w.isMinimized()) w.restore()
      w.focus()
    }
  })
  await app.whenReady()
  let launch: ReturnType<typeof parseLaunchOptions>
  try {
    launch = parseLaunchOptions(process.argv, process.env, app.getPath('userData'))
  } catch (err) {
    dialog.showErrorBox('窓口OTP事務を起動できません', `起動オプションが正しくありません。\n${(err as Error).message}`)
    app.exit(2)
    return
  }
  let ctx: AppContext
  try {
    ctx = await openApp({
      ...launch,
      transport: 'ipc',
      version: app.getVersion(),
      nativeBinding: electronNativeBinding(app.getAppPath(), app.isPackaged, process.versions.electron),
    })
  } catch (err) {
    const message =
      err instanceof AppError
        ? err.message
        : `台帳（${launch.dataDir}）を開けませんでした。\n${String((err as Error)?.message ?? err)}\n\n` +
          '開発環境では `npm run electron:native` で Electron 用の better-sqlite3 を用意してください。'
    dialog.showErrorBox('窓口OTP事務を起動できません', message)
    app.exit(1)
    return
  }
  // Imports and exports ask the user where the file is / goes (issue 14); the page never names a path.
  ctx.fileDialogs = {
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
  lockDown(ctx)
  registerIpc(ctx)
  createWindow(ctx)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(ctx)
  })
  app.on('window-all-closed', () => app.quit())
  app.on('will-quit', () => {
    try {
      ctx.sqlite.pragma('wal_checkpoint(TRUNCATE)')
      ctx.sqlite.close()
    } catch (err) {
      ctx.logger.error({ err }, 'closing the ledger failed')
    }
  })
}

void main()
