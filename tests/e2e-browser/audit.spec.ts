// 監査ログ照会 through the real renderer and services: a teller receives a 新規申込 and makes a
// malformed call; the supervisor follows the customer screen's link to the customer's entries,
// opens the reception and reads it in Japanese, filters by 受付番号 and by outcome (the malformed
// call is there, with its field names), downloads the list as CP932 CSV and reads it back; the
// searches, the opened entry and the export are on the trail. Demo customer 12 (未登録) is used
// here and nowhere else.
import fs from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { input, login, logout } from '../e2e-shared/journey'
import { demoCustomer, fillFromPaper, openDemoCustomer, registerForm } from '../e2e-shared/requests'

async function search(page: Page): Promise<void> {
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().includes('/api/op/audit.search')), page.getByTestId('audit-search').click()])
  expect(res.ok()).toBe(true)
}

test('監査ログ照会: a customer’s entries, one opened, filtered, exported; the reads recorded', async ({ page }) => {
  test.setTimeout(180_000)
  const c = demoCustomer(12)
  expect(c).toMatchObject({ status: '未登録' })
  await page.goto('/')
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await page.getByTestId('start-new_application').click()
  await fillFromPaper(page, c)
  const receiptNo = await registerForm(page)
  // A malformed call from the logged-in page, as a broken script would send it over the bridge.
  const status = await page.evaluate(async () => {
    const token = document.querySelector<HTMLMetaElement>('meta[name="otp-bridge-token"]')!.content
    const res = await fetch('/api/op/requests.withdraw', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-OTP-Token': token },
      body: JSON.stringify({ requestId: 'x', version: 1, reason: '秘密の理由' }),
    })
    return ((await res.json()) as { error?: { code: string } }).error?.code
  })
  expect(status).toBe('VALIDATION_FAILED')
  await logout(page)

  await login(page, 'super1')
  await openDemoCustomer(page, c)
  await page.getByTestId('customer-audit-log').click()
  await expect(page.getByTestId('audit-customer-chip')).toContainText('顧客ID')
  await expect(page.getByTestId('audit-scope')).toContainText('001')
  // The ledger's verification status heads the screen; a supervisor gets no administrator actions,
  // and the ledger the suite has worked on so far verifies clean.
  await expect(page.getByTestId('integrity')).toContainText('最終確認')
  await expect(page.getByTestId('integrity-verify')).toHaveCount(0)
  await expect(page.getByTestId('integrity-failed')).toHaveCount(0)
  const rows = page.getByTestId('audit-row')
  await expect(rows.first()).toContainText('受付（新規申込）')
  await expect(rows.first()).toContainText(receiptNo)
  await expect(rows.first()).toContainText(c.name)
  await rows.first().click()
  const entry = page.getByTestId('audit-entry')
  await expect(entry).toBeVisible()
  await expect(page.getByTestId('audit-entry-action')).toContainText('受付（新規申込）')
  await expect(page.getByTestId('audit-entry-outcome')).toHaveText('成功')
  await expect(page.getByTestId('audit-entry-detail')).toContainText('受付番号')
  await expect(page.getByTestId('audit-entry-detail')).toContainText('新規申込')
  await page.screenshot({ path: 'test-results/audit-entry.png', fullPage: true })
  await page.getByTestId('audit-entry-close').click()
  await expect(entry).toHaveCount(0)

  // Filter by 受付番号 (the customer chip cleared), then by outcome 拒否 and staff.
  await page.getByTestId('audit-customer-chip').locator('.v-chip__close').click()
  await input(page, 'audit-receipt').fill(receiptNo)
  await search(page)
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText(receiptNo)
  await input(page, 'audit-receipt').fill('')
  await page.getByTestId('audit-outcome').click()
  await page.getByRole('option', { name: '拒否' }).click()
  await input(page, 'audit-staff').fill('teller1')
  await search(page)
  const malformed = rows.filter({ hasText: '取消' }).first()
  await expect(malformed).toContainText('入力内容に誤りがあります')
  await expect(rows.filter({ hasText: '成功' })).toHaveCount(0)
  await malformed.click()
  await expect(page.getByTestId('audit-entry-detail')).toContainText('誤りのあった項目')
  await expect(page.getByTestId('audit-entry-detail')).toContainText('requestId')
  await expect(page.getByTestId('audit-entry')).not.toContainText('秘密の理由')
  await page.getByTestId('audit-entry-close').click()
  await page.screenshot({ path: 'test-results/audit-list.png', fullPage: true })

  // The whole period as CP932 CSV.
  await input(page, 'audit-staff').fill('')
  await page.getByTestId('audit-outcome').click()
  await page.getByRole('option', { name: 'すべて' }).click()
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export-csv').click()])
  expect(d.suggestedFilename()).toMatch(/^監査ログ_\d{8}-\d{8}_001\.csv$/)
  const text = iconv.decode(fs.readFileSync((await d.path())!), 'cp932')
  expect(text).not.toContain('\uFFFD')
  const csv = parse(text) as string[][]
  expect(csv[0]!.slice(0, 8)).toEqual(['記録番号', '日時', '店番', '職員ID', '職員名', '操作', '操作コード', '結果'])
  const reception = csv.find((r) => r[8] === receiptNo && r[6] === 'requests.receiveNewApplication')!
  expect(reception.slice(2, 8)).toEqual(['001', 'teller1', '佐藤 美咲', '受付（新規申込）', 'requests.receiveNewApplication', '成功'])
  expect(reception.slice(9, 13)).toEqual(['001', '普通', c.account, c.name])
  // The supervisor's own reads are on the trail (the export runs after its rows are read).
  const actions = csv.filter((r) => r[3] === 'super1').map((r) => r[6])
  expect(actions).toEqual(expect.arrayContaining(['audit.search', 'audit.entry']))
  await page.getByTestId('audit-search').click()
  await expect(rows.first()).toContainText('監査ログの出力')

  // Seven menus for a supervisor: the logout button stays inside a 1024 px and a 1280 px window.
  for (const width of [1024, 1280]) {
    await page.setViewportSize({ width, height: 800 })
    const box = (await page.getByTestId('logout').boundingBox())!
    expect(box.x + box.width, `logout at ${width}px`).toBeLessThanOrEqual(width)
  }
  await page.screenshot({ path: 'test-results/audit-1024.png' })
})
