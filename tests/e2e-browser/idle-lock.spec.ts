// The idle lock while the branch is busy (issue 13, point 5): a teller's window is left alone with
// a customer on screen while another teller keeps working; the other's actions make the window
// refresh in the background, which must not keep it alive. After the idle time the window is
// cleared and locked by itself, and the main side's session has ended too.
// This spec starts its own preview bridge on a fresh demo ledger with a 20-second idle time
// (--idle-seconds), on a free port, so the shared server keeps its 30 minutes.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { input, login, openCustomer } from '../e2e-shared/journey'

const IDLE_SECONDS = 20
let server: ChildProcess | null = null
let baseUrl = ''

test.beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otp-e2e-idle-'))
  server = spawn(process.execPath, ['--import', 'tsx', 'electron/bridge/main.ts', `--data-dir=${dataDir}`, `--idle-seconds=${IDLE_SECONDS}`], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  baseUrl = await new Promise<string>((resolve, reject) => {
    let out = ''
    server!.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /browser preview: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)
      if (m) resolve(m[1]!)
    })
    server!.once('exit', (code) => reject(new Error(`preview exited (${code}): ${out}`)))
  })
})

test.afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGTERM')
})

/** An operation as the page's own person would call it (the page's token and session cookie). */
function op(page: Page, name: string, payload: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  return page.evaluate(
    async ([name, payload]) => {
      const token = document.querySelector<HTMLMetaElement>('meta[name="otp-bridge-token"]')!.content
      const res = await fetch(`/api/op/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-OTP-Token': token }, body: JSON.stringify(payload) })
      return res.json()
    },
    [name, payload] as const,
  )
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date())

test('an unattended window locks on time although another teller keeps working, and shows no customer', async ({ browser }) => {
  test.setTimeout(150_000)
  const aCtx = await browser.newContext({ baseURL: baseUrl })
  const bCtx = await browser.newContext({ baseURL: baseUrl })
  try {
    const a = await aCtx.newPage()
    const b = await bCtx.newPage()
    const background: string[] = []
    a.on('request', (r) => {
      if (r.headers()['x-otp-background'] === '1') background.push(r.url())
    })

    // teller2 is at work the whole time: logged in first, moving the pointer every second (what a
    // person does, which their own window reports), and below receiving and withdrawing requests.
    await b.goto('/')
    await login(b, 'teller2')
    let working = true
    const pointer = (async () => {
      for (let i = 0; working; i++) {
        await b.mouse.move(200 + (i % 50) * 7, 300 + (i % 13) * 11)
        await b.waitForTimeout(1000)
      }
    })()

    await a.goto('/')
    await login(a, 'teller1')
    await openCustomer(a, 'シミズ', '清水 京子') // 発行待ち in the demo: a ご利用解除 can be received
    const customerId = Number(/customers\/(\d+)/.exec(a.url())![1])
    await expect(a.getByTestId('customer-name')).toContainText('清水 京子')
    const leftAlone = Date.now()

    // Meanwhile teller2 works on the customer A shows: receives a ご利用解除 and withdraws it, again
    // and again; each time A's screen reloads the customer in the background.
    let actions = 0
    while (Date.now() - leftAlone < (IDLE_SECONDS + 3) * 1000) {
      const got = await op(b, 'customers.get', { customerId })
      expect(got.ok, JSON.stringify(got.error)).toBe(true)
      const c = got.value as Record<string, unknown> & { requests: { id: number; state: string; version: number }[] }
      const open = c.requests.find((r) => r.state === 'pending_review')
      if (open) {
        const w = await op(b, 'requests.withdraw', { requestId: open.id, version: open.version, reason: 'お客さまの申し出により取消' })
        expect(w.ok).toBe(true)
      } else {
        const r = await op(b, 'requests.receiveCancellation', {
          customerId,
          applicationDate: today(),
          nameKanji: c.nameKanji,
          nameKana: c.nameKana,
          phone: c.phone,
          account: { branchCode: c.branchCode, type: c.accountType, number: c.accountNumber },
          ibContractId: c.ibContractId,
          identity: { documentType: 'drivers_license' },
          sealMatched: true,
        })
        expect(r.ok, JSON.stringify(r.error)).toBe(true)
      }
      actions++
      if (a.url().includes('#/login')) break
      await b.waitForTimeout(800)
    }
    working = false
    await pointer
    // The window locked by itself, without anyone touching it, about the idle time after it was left.
    await expect(a.getByTestId('login-info')).toContainText('一定時間操作がなかったため、画面をロックしました', { timeout: 5000 })
    const lockedAfter = (Date.now() - leftAlone) / 1000
    expect(lockedAfter).toBeLessThan(IDLE_SECONDS + 4)
    expect(actions).toBeGreaterThanOrEqual(3)
    // It refreshed in the background while the other teller worked, and that did not keep it alive.
    expect(background.some((u) => u.includes('customers.get'))).toBe(true)
    // Nothing of the customer is left on the screen.
    await expect(a.locator('body')).not.toContainText('清水 京子')
    await expect(a.getByTestId('session-user')).toHaveCount(0)
    await a.screenshot({ path: 'docs/screenshots/staff-idle-locked.png' })
    // The main side's session has ended as well.
    expect((await op(a, 'customers.get', { customerId })).error?.code).toBe('NOT_AUTHENTICATED')
    // The other teller, who kept working, is still logged in.
    expect((await op(b, 'customers.get', { customerId })).ok).toBe(true)
    await input(a, 'login-id').fill('teller1')
  } finally {
    await aCtx.close()
    await bCtx.close()
  }
})
