// A stand-in for the `electron` module, for loading the built main bundle (out/main/index.js) in
// Node where Electron's runtime cannot be had. It does nothing but record what the main process
// asks of it (app events and calls, BrowserWindow options, ipcMain.handle channels, the session's
// handlers, dialogs, the menu), so that tests can assert on it and play Electron's part (fire
// 'did-fail-load', call an IPC handler as a given frame, ...).
import { EventEmitter } from 'node:events'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import Module from 'node:module'
import os from 'node:os'
import path from 'node:path'

type Handler = (...args: unknown[]) => unknown

export class FakeWebContents extends EventEmitter {
  static nextId = 1
  readonly id = FakeWebContents.nextId++
  loaded: string[] = []
  sent: Array<{ channel: string; payload: unknown }> = []
  windowOpenHandler: Handler | null = null
  loadURL(url: string): Promise<void> {
    this.loaded.push(url)
    return rec.loadError ? Promise.reject(rec.loadError) : Promise.resolve()
  }
  loadFile(file: string): Promise<void> {
    return this.loadURL(`file://${file}`)
  }
  setWindowOpenHandler(fn: Handler): void {
    this.windowOpenHandler = fn
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
}

export interface Recording {
  calls: string[]
  windows: FakeBrowserWindow[]
  handles: Map<string, Handler>
  dialogs: Array<{ title: string; message: string }>
  /** dialog.showMessageBoxSync calls (the start-up offer to restore), and the buttons to press. */
  messageBoxes: Array<{ title?: string; message: string; detail?: string; buttons?: string[] }>
  messageBoxAnswers: number[]
  paths: Record<string, string>
  menu: { template: unknown } | null
  permissionRequest: Handler | null
  permissionCheck: Handler | null
  /** Hook run inside `new BrowserWindow()`, before anything else: to look at the ledger then. */
  onWindowCreated: ((opts: Record<string, unknown>) => void) | null
  /** What webContents.loadURL's promise does: resolve, or reject with this error. */
  loadError: Error | null
}

export let rec: Recording

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = []
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed)
  }
  readonly webContents = new FakeWebContents()
  visible = false
  minimized = false
  destroyed = false
  focused = 0
  constructor(readonly options: Record<string, unknown>) {
    super()
    rec.onWindowCreated?.(options)
    rec.calls.push('BrowserWindow')
    FakeBrowserWindow.all.push(this)
    rec.windows.push(this)
    // Electron announces every new webContents to the app before the window is returned.
    fakeApp.emit('web-contents-created', {}, this.webContents)
  }
  show(): void {
    this.visible = true
  }
  isVisible(): boolean {
    return this.visible
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    this.minimized = false
  }
  focus(): void {
    this.focused++
  }
  destroy(): void {
    this.destroyed = true
    rec.calls.push('window.destroy')
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false
  lockGranted = true
  switches: string[] = []
  ready: Promise<void> = Promise.resolve()
  readonly commandLine = { hasSwitch: (s: string) => this.switches.includes(s) }
  setPath(name: string, p: string): void {
    rec.calls.push(`setPath:${name}`)
    rec.paths[name] = p
  }
  getPath(name: string): string {
    return rec.paths[name] ?? path.join(os.tmpdir(), `otp-stand-in-${name}`)
  }
  getVersion(): string {
    return '0.0.0-stand-in'
  }
  requestSingleInstanceLock(): boolean {
    rec.calls.push('requestSingleInstanceLock')
    return this.lockGranted
  }
  releaseSingleInstanceLock(): void {
    rec.calls.push('releaseSingleInstanceLock')
  }
  whenReady(): Promise<void> {
    return this.ready
  }
  quit(): void {
    rec.calls.push('quit')
    for (const w of quitWaiters.splice(0)) w()
  }
  exit(code = 0): void {
    rec.calls.push(`exit:${code}`)
  }
}

export const fakeApp = new FakeApp()
const KEYSTORE_KEY = randomBytes(32)
const defaultSession = Object.assign(new EventEmitter(), {
  setPermissionRequestHandler: (fn: Handler) => (rec.permissionRequest = fn),
  setPermissionCheckHandler: (fn: Handler) => (rec.permissionCheck = fn),
})

export const electronStandIn = {
  app: fakeApp,
  BrowserWindow: FakeBrowserWindow,
  ipcMain: {
    handle(channel: string, fn: Handler) {
      if (rec.handles.has(channel)) throw new Error(`second handler for ${channel}`)
      rec.handles.set(channel, fn)
    },
  },
  session: { defaultSession },
  dialog: {
    showErrorBox(title: string, message: string) {
      rec.calls.push('showErrorBox')
      rec.dialogs.push({ title, message })
    },
    showMessageBoxSync(opts: { title?: string; message: string; detail?: string; buttons?: string[] }) {
      rec.calls.push('showMessageBoxSync')
      rec.messageBoxes.push(opts)
      return rec.messageBoxAnswers.shift() ?? 0
    },
  },
  // A keystore whose key never leaves the process (as the OS keeps its own): the bytes written are
  // not the password, and only this stand-in decrypts them.
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (plain: string) => Buffer.from(Buffer.from(plain, 'utf8').map((b, i) => b ^ KEYSTORE_KEY[i % KEYSTORE_KEY.length]!)),
    decryptString: (enc: Buffer) => Buffer.from(enc.map((b, i) => b ^ KEYSTORE_KEY[i % KEYSTORE_KEY.length]!)).toString('utf8'),
  },
  Menu: {
    buildFromTemplate: (template: unknown) => ({ template }),
    setApplicationMenu: (menu: { template: unknown } | null) => (rec.menu = menu),
    getApplicationMenu: () => rec.menu,
  },
}

export const root = path.resolve(__dirname, '../..')
export const mainBundle = path.join(root, 'out/main/index.js')
export const rendererIndex = path.join(root, 'out/renderer/index.html')

const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown }
const originalLoad = loader._load

export interface LoadOptions {
  isPackaged?: boolean
  lockGranted?: boolean
  switches?: string[]
  ready?: Promise<void>
  env?: Record<string, string | undefined>
  platform?: NodeJS.Platform
  onWindowCreated?: Recording['onWindowCreated']
  loadError?: Error
  /** Another copy of the main bundle (e.g. the one inside a packaged app). */
  bundle?: string
  /** The buttons pressed in successive message boxes (default: the first, 終了). */
  messageBoxAnswers?: number[]
}

/**
 * Loads a fresh copy of the built main bundle against the stand-in (the environment and, if
 * given, process.platform are set while it loads and runs its start). Returns the recording.
 */
export function loadMainBundle(opts: LoadOptions = {}): Recording {
  const bundle = opts.bundle ?? mainBundle
  if (!fs.existsSync(bundle)) throw new Error('out/main/index.js is missing: run `npm run build` first (npm test does)')
  rec = { calls: [], windows: [], handles: new Map(), dialogs: [], messageBoxes: [], messageBoxAnswers: [...(opts.messageBoxAnswers ?? [])], paths: {}, menu: null, permissionRequest: null, permissionCheck: null, onWindowCreated: opts.onWindowCreated ?? null, loadError: opts.loadError ?? null }
  FakeBrowserWindow.all = []
  fakeApp.removeAllListeners()
  defaultSession.removeAllListeners()
  fakeApp.isPackaged = opts.isPackaged ?? false
  fakeApp.lockGranted = opts.lockGranted ?? true
  fakeApp.switches = opts.switches ?? []
  fakeApp.ready = opts.ready ?? Promise.resolve()
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!
  if (opts.platform) Object.defineProperty(process, 'platform', { value: opts.platform })
  loader._load = function (request, parent, isMain) {
    if (request === 'electron') return electronStandIn
    return originalLoad.call(this, request, parent, isMain)
  }
  try {
    const req = Module.createRequire(bundle)
    delete req.cache[bundle]
    req(bundle)
  } finally {
    loader._load = originalLoad
    Object.defineProperty(process, 'platform', platform)
  }
  return rec
}

/** Calls an IPC handler the way ipcMain would for a frame at `url` of window `win`. */
export function invokeAs(channel: string, url: string | null, payload: unknown, win = rec.windows[0]): Promise<unknown> {
  const fn = rec.handles.get(channel)
  if (!fn) throw new Error(`no handler for ${channel}`)
  const event = { sender: win?.webContents ?? new FakeWebContents(), senderFrame: url === null ? null : { url } }
  return Promise.resolve(fn(event, payload))
}

const quitWaiters: Array<() => void> = []

/** Fires will-quit, so that the bundle closes its ledger. The bundle holds the quit (preventDefault)
 * while it writes what is still in memory and closes the ledger, then quits again: resolved then. */
export async function quitApp(): Promise<void> {
  let held = false
  const quit = new Promise<void>((resolve) => quitWaiters.push(resolve))
  fakeApp.emit('will-quit', { preventDefault: () => (held = true) })
  if (held) await quit
  else quitWaiters.splice(0)
}
