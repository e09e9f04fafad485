// The built renderer as Electron loads it, in Debian's Chromium: out/renderer/index.html opened
// from disk (file://, its own CSP, module scripts, the pdf.js worker, fonts, hash routing, blob
// downloads), with the preload's API injected as `window.otp` and calling the real dispatcher on
// a real app context (a fresh temporary demo ledger). Every payload and every result goes through
// structuredClone in the page, as contextBridge and IPC would copy them: a Vue reactive proxy in a
// payload fails the call, and the test. Any Content-Security-Policy violation, uncaught page error
// or pdf.js falling back to its fake worker fails the test too.
//
// What differs from Electron: Chromium gets --allow-file-access-from-files, standing in for the
// extra privileges Electron grants file:// (its GrantFileProtocolExtraPrivileges fuse, left on);
// the API is injected by Playwright rather than by contextBridge; window.print() is counted, not
// called (it opens a dialog that waits for a person).
import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { OPERATION_NAMES } from '../../shared/operations'
import { downloadShell, installPrintSpy, openPreview, pdfText, printFromPreview, saveFromPreview } from '../e2e-shared/forms'
import { login, newApplicationJourney } from '../e2e-shared/journey'

const root = path.resolve(__dirname, '../..')
const indexHtml = path.join(root, 'out/renderer/index.html')
const pageUrl = pathToFileURL(indexHtml).href

let host: ChildProcess
let dataDir: string
let nextId = 1
const pending = new Map<number, (result: unknown) => void>()
const eventListeners = new Set<(e: unknown) => void>()

test.beforeAll(async () => {
  if (!fs.existsSync(indexHtml)) throw new Error('out/renderer/index.html is missing: run `npm run build` first (npm test does)')
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-e2e-file-'))
  host = fork(path.join(__dirname, 'host.ts'), [dataDir], { cwd: root, execArgv: ['--import', 'tsx'], serialization: 'advanced' })
  await new Promise<void>((resolve, reject) => {
    host.once('exit', (code) => reject(new Error(`the main-side host exited with ${code}`)))
    host.on('message', (m: { ready?: true; id?: number; result?: unknown; event?: unknown }) => {
      if (m.ready) resolve()
      else if (m.id !== undefined) pending.get(m.id)?.(m.result)
      else if (m.event !== undefined) eventListeners.forEach((cb) => cb(m.event))
    })
  })
})

test.afterAll(() => {
  host?.disconnect()
})

/** The real dispatcher, in the host process, for the session of one window. */
function dispatch(op: string, payload: unknown, sessionKey: string): Promise<unknown> {
  const id = nextId++
  return new Promise((resolve) => {
    pending.set(id, (r) => {
      pending.delete(id)
      resolve(r)
    })
    host.send({ id, op, payload, sessionKey })
  })
}

interface Watch {
  csp: string[]
  cloneFailures: string[]
  pageErrors: string[]
  console: string[]
}

/** Opens the built page from disk with the preload's API injected; returns what it watches. */
async function openAsElectron(page: Page, sessionKey: string): Promise<Watch> {
  const watch: Watch = { csp: [], cloneFailures: [], pageErrors: [], console: [] }
  lastWatch = watch
  page.on('pageerror', (e) => watch.pageErrors.push(e.message))
  page.on('console', (m) => watch.console.push(`${m.type()}: ${m.text()}`))
  await page.exposeBinding('__otpInvoke', (_source, op: string, payload: unknown) => dispatch(op, payload, sessionKey))
  await page.exposeBinding('__otpCloneFailed', (_source, what: string) => void watch.cloneFailures.push(what))
  await page.exposeBinding('__otpCspViolation', (_source, v: string) => void watch.csp.push(v))
  const onChanged = (e: unknown) => void page.evaluate((ev) => (window as unknown as { __otpEmit(e: unknown): void }).__otpEmit(ev), e).catch(() => {})
  eventListeners.add(onChanged)
  page.on('close', () => eventListeners.delete(onChanged))

  await page.addInitScript((ops: string[]) => {
    type Bindings = { __otpInvoke(op: string, p: unknown): Promise<unknown>; __otpCloneFailed(w: string): void; __otpCspViolation(v: string): void }
    const w = window as unknown as Bindings
    document.addEventListener(
      'securitypolicyviolation',
      (e) => w.__otpCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`),
      true,
    )
    /** contextBridge and IPC copy with the structured clone algorithm: what cannot be cloned fails. */
    const copy = (what: string, v: unknown): unknown => {
      try {
        return structuredClone(v)
      } catch (err) {
        w.__otpCloneFailed(`${what}: ${(err as Error).message}`)
        throw err
      }
    }
    const listeners = new Set<(e: unknown) => void>()
    const api = {
      ops: Object.fromEntries(ops.map((op) => [op, async (payload: unknown) => copy(`result of ${op}`, await w.__otpInvoke(op, copy(`payload of ${op}`, payload)))])),
      onLedgerChanged(cb: (e: unknown) => void) {
        listeners.add(cb)
        return () => void listeners.delete(cb)
      },
    }
    Object.defineProperty(window, 'otp', { value: Object.freeze(api) })
    Object.defineProperty(window, '__otpEmit', { value: (e: unknown) => listeners.forEach((cb) => cb(copy('ledger event', e))) })
  }, [...OPERATION_NAMES])
  await installPrintSpy(page)
  await page.goto(pageUrl)
  await expect(page.getByTestId('login-submit')).toBeVisible()
  return watch
}

let lastWatch: Watch | null = null
// eslint-disable-next-line no-empty-pattern -- Playwright passes fixtures first; this hook needs none.
test.afterEach(({}, testInfo) => {
  if (lastWatch && testInfo.status !== testInfo.expectedStatus)
    fs.writeFileSync(testInfo.outputPath('page-console.txt'), [...lastWatch.console, ...lastWatch.pageErrors, ...lastWatch.csp].join('\n'))
  lastWatch = null
})

function expectClean(w: Watch): void {
  expect(w.csp, 'Content-Security-Policy violations').toEqual([])
  expect(w.cloneFailures, 'values that contextBridge/IPC could not copy').toEqual([])
  expect(w.pageErrors, 'uncaught errors in the page').toEqual([])
  expect(w.console.filter((m) => /fake worker|Failed to load|net::ERR_|Refused to/i.test(m)), 'console').toEqual([])
}

test('login, search, 新規申込, お客さま控 (preview, print, save) and 検印 in the built page under file://', async ({ page }) => {
  test.setTimeout(180_000) // the whole counter journey, and a print at print resolution
  const watch = await openAsElectron(page, 'wc:1')
  // The page runs on the injected API (the IPC transport), not on an HTTP bridge.
  expect(page.url()).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html#\//)
  await newApplicationJourney(page, {
    async verifyReceipt(p, printButton, receiptNo) {
      // The preview: the PDF from the main side, drawn by pdf.js in its worker.
      await openPreview(p, printButton, receiptNo)
      const call = await printFromPreview(p)
      expect(call.pages).toBeGreaterThan(0)
      await openPreview(p, printButton, receiptNo)
      const file = await saveFromPreview(p, downloadShell, receiptNo)
      expect(pdfText(file)).toContain(receiptNo)
    },
  })
  // The app font came from the bundle (woff2) under the CSP.
  const fonts = await page.evaluate(async () => {
    await document.fonts.ready
    return Array.from(document.fonts as unknown as Iterable<FontFace>).filter((f) => f.family.replace(/["']/g, '') === 'Noto Sans JP' && f.status === 'loaded').length
  })
  expect(fonts).toBeGreaterThan(0)
  // Hash routing from disk: a deep link into the page, after a reload, lands where it should.
  // (A cold load: the page is left first, so this is a start on the deep link, not a hash change.)
  await page.goto('about:blank')
  await page.goto(`${pageUrl}#/review`)
  await expect(page.getByTestId('queue-count')).toBeVisible()
  expect(page.url()).toMatch(/#\/review$/)
  expectClean(watch)
  // What was printed and saved is in the ledger's archive.
  expect(fs.readdirSync(path.join(dataDir, 'forms'), { recursive: true }).some((f) => String(f).endsWith('.pdf'))).toBe(true)
})

test('a value contextBridge cannot copy (a Proxy, as Vue\'s reactive() makes) fails the call, and the harness sees it', async ({ page }) => {
  const watch = await openAsElectron(page, 'wc:2')
  const outcome = await page.evaluate(async () => {
    const api = (window as unknown as { otp: { ops: Record<string, (p: unknown) => Promise<unknown>> } }).otp
    try {
      await api.ops['auth.login']!(new Proxy({ loginId: 'teller1', password: 'demo-pass-2026' }, {}))
      return 'sent'
    } catch (err) {
      return (err as Error).name
    }
  })
  expect(outcome).toBe('DataCloneError')
  expect(watch.cloneFailures).toHaveLength(1)
  expect(watch.cloneFailures[0]).toMatch(/^payload of auth\.login: /)
  // Nothing reached the main side: no session was opened.
  expect(await dispatch('auth.state', {}, 'wc:2')).toMatchObject({ ok: true, value: { user: null } })
  await login(page, 'teller2')
  expect(await dispatch('auth.state', {}, 'wc:2')).toMatchObject({ ok: true, value: { user: { loginId: 'teller2' } } })
  expectClean({ ...watch, cloneFailures: [] })
})
