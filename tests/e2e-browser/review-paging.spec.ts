// 検印待ち一覧 with more requests waiting than one screen (50): the list shows the oldest 50, the
// count of the whole queue, and さらに表示（残りN件） until every request is shown, each once; a
// ledger event reloads as many rows as are shown. The requests are new customers imported through
// the 顧客データ取込 screen and received through the bridge the renderer uses (the counter form
// itself is covered by requests.spec); they are withdrawn at the end, so the other specs sharing
// this run's ledger find the queue as before.
import { expect, test, type Browser, type Page } from '@playwright/test'
import iconv from 'iconv-lite'
import { login, logout } from '../e2e-shared/journey'

const N = 60
const HEADER = ['店番', '科目', '口座番号', '漢字氏名', 'カナ氏名', '生年月日', '郵便番号', '住所', '電話番号', 'IB契約者ID']
const account = (i: number) => String(7_300_001 + i)
const ib = (i: number) => String(7_300_000_001 + i)
const ROWS = Array.from({ length: N }, (_, i) => ['007', '普通', account(i), `頁送 太郎${i + 1}`, 'ページオクリ タロウ', '1980-01-01', '010-0001', '秋田県秋田市中通一丁目1-1', '018-800-7300', ib(i)])
const csv = (rows: string[][]) => iconv.encode(rows.map((r) => r.join(',')).join('\r\n') + '\r\n', 'cp932')

interface Received {
  id: number
  version: number
  receiptNo: string
}

/** Calls an operation through the page's own bridge (its token, its session cookie). */
async function op<T>(page: Page, name: string, input: unknown): Promise<T> {
  const r = await page.evaluate(
    async ([name, input]) => {
      const token = document.querySelector<HTMLMetaElement>('meta[name="otp-bridge-token"]')!.content
      const res = await fetch(`/api/op/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-OTP-Token': token }, body: JSON.stringify(input) })
      return (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } }
    },
    [name, input] as const,
  )
  if (!r.ok) throw new Error(`${name}: ${r.error?.code} ${r.error?.message}`)
  return r.value as T
}

async function signedIn(browser: Browser, loginId: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto('/')
  await login(page, loginId)
  return page
}

const received: Received[] = []
let teller: Page

test.afterAll(async () => {
  // Withdrawn, so the queue of the other specs is as before (a withdrawn request is closed).
  for (const r of received) {
    const now = await op<{ version: number; state: string }>(teller, 'requests.get', { requestId: r.id })
    if (now.state === 'pending_review') await op(teller, 'requests.withdraw', { requestId: r.id, version: now.version, reason: 'ページ送りの試験' })
  }
  await teller?.context().close()
})

test('検印待ち一覧 over more than one screen: 50 first, さらに表示 to the end, each request once; a refresh keeps the rows shown', async ({ browser, page }) => {
  test.setTimeout(180_000)
  // 60 new customers through the import screen.
  await page.goto('/')
  await login(page, 'admin1')
  await page.getByTestId('nav-imports').click()
  await page.getByTestId('import-kind-customers').click()
  await page.getByTestId('import-file').locator('input[type=file]').setInputFiles({ name: '顧客データ_頁送.csv', mimeType: 'text/csv', buffer: csv([HEADER, ...ROWS]) })
  for (const [field, column] of [
    ['accountType', '科目'],
    ['nameKanji', '漢字氏名'],
  ]) {
    await page.getByTestId(`import-map-${field}`).click()
    await page.getByRole('option', { name: column, exact: true }).click()
  }
  await page.getByTestId('import-dry-run').click()
  await expect(page.getByTestId('import-report-dry_run')).toBeVisible()
  await page.getByTestId('import-apply').click()
  await expect(page.getByTestId('import-report-apply')).toBeVisible()
  await expect(page.getByTestId('import-count-new')).toContainText(String(N))
  await logout(page)

  // A teller receives a 新規申込 for each.
  teller = await signedIn(browser, 'teller1')
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' })
  for (let i = 0; i < N; i++) {
    const [c] = await op<{ id: number }[]>(teller, 'customers.search', { branchCode: '007', accountNumber: account(i) })
    const r = await op<Received>(teller, 'requests.receiveNewApplication', {
      customerId: c!.id,
      applicationDate: today,
      nameKanji: ROWS[i]![3],
      nameKana: ROWS[i]![4],
      phone: ROWS[i]![8],
      account: { branchCode: '007', type: 'ordinary', number: account(i) },
      ibContractId: ib(i),
      identity: { documentType: 'drivers_license' },
      sealMatched: true,
      birthDate: '1980-01-01',
      postalCode: '010-0001',
      address: ROWS[i]![7],
    })
    received.push({ id: r.id, version: r.version, receiptNo: r.receiptNo })
  }

  // The supervisor's queue: the whole count, the oldest 50, then the rest a screen at a time.
  const supervisor = await signedIn(browser, 'super1')
  const total = (await op<{ total: number }>(supervisor, 'requests.pendingReview', { limit: 1 })).total
  expect(total).toBeGreaterThanOrEqual(N)
  await supervisor.getByTestId('nav-review').click()
  const rows = supervisor.getByTestId('queue-row')
  await expect(supervisor.getByTestId('queue-count')).toHaveText(`${total}件`)
  await expect(supervisor.getByTestId('nav-review-count')).toContainText(String(total))
  await expect(rows).toHaveCount(50)
  await expect(supervisor.getByTestId('queue-shown')).toHaveText('（古い順に50件を表示）')
  const more = supervisor.getByTestId('queue-more')
  await expect(more).toHaveText(`さらに表示（残り${total - 50}件）`)
  await supervisor.screenshot({ path: 'test-results/review-queue-paged.png', fullPage: true })
  for (let shown = 50; shown < total; shown = Math.min(total, shown + 50)) {
    await more.click()
    await expect(rows).toHaveCount(Math.min(total, shown + 50))
  }
  await expect(more).toHaveCount(0)
  await expect(supervisor.getByTestId('queue-shown')).toHaveCount(0)
  const shownNos = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-receipt-no')))
  expect(new Set(shownNos).size).toBe(total)
  for (const r of received) expect(shownNos.filter((n) => n === r.receiptNo)).toHaveLength(1)
  // Oldest first: this run's requests in the order they were received, after every older one.
  expect(shownNos.slice(-N)).toEqual(received.map((r) => r.receiptNo))

  // Another terminal withdraws one: the list reloads live, keeping every row shown (not back to 50).
  const gone = received.shift()!
  await op(teller, 'requests.withdraw', { requestId: gone.id, version: gone.version, reason: 'お客さまのお申し出' })
  await expect(supervisor.getByTestId('queue-count')).toHaveText(`${total - 1}件`)
  await expect(rows).toHaveCount(total - 1)
  await expect(supervisor.locator(`[data-testid="queue-row"][data-receipt-no="${gone.receiptNo}"]`)).toHaveCount(0)
  await supervisor.context().close()
})
