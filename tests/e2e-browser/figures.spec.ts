// 集計 and the CSV exports through the real renderer and services: a supervisor approves a request
// received in this run, opens 集計 (charts drawn on canvases, the table), downloads the requests of
// the period as CP932 CSV and reads it back with csv-parse; an administrator downloads the customer
// list in UTF-8 with BOM. Demo customer 11 (未登録) is used here and nowhere else.
import fs from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { login, logout } from '../e2e-shared/journey'
import { approveOpenRequest, demoCustomer, fillFromPaper, openDemoCustomer, openFromQueue, registerForm } from '../e2e-shared/requests'

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()])
  return { name: d.suggestedFilename(), bytes: fs.readFileSync((await d.path())!) }
}

test('集計: charts and table for the period, the requests of the period as CP932 CSV', async ({ page }) => {
  test.setTimeout(180_000) // a reception, an approval, two screens, two downloads and two logins
  const c = demoCustomer(11)
  expect(c).toMatchObject({ name: '木村 拓也', status: '未登録' })
  await page.goto('/')
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await page.getByTestId('start-new_application').click()
  await fillFromPaper(page, c)
  const receiptNo = await registerForm(page)
  await logout(page)
  await login(page, 'super1')
  await openFromQueue(page, receiptNo, '新規申込')
  await approveOpenRequest(page, receiptNo)

  await page.getByTestId('nav-figures').click()
  await expect(page.getByTestId('figures-approval').locator('tr[data-kind="new_application"]')).toBeVisible()
  const thisMonth = page.getByTestId('figures-table').locator('tbody tr').last()
  await expect(thisMonth).toContainText(receiptNo.slice(4, 8) + '-' + receiptNo.slice(8, 10))
  // Drawn on a canvas by Chart.js: the canvas holds painted pixels.
  const canvas = page.getByTestId('figures-by-month').locator('canvas')
  await expect(canvas).toBeVisible()
  const painted = await canvas.evaluate((el: HTMLCanvasElement) => {
    const d = el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data
    let n = 0
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++
    return n
  })
  expect(painted).toBeGreaterThan(1000)
  const csv = await download(page, 'export-requests')
  expect(csv.name).toMatch(/^依頼一覧_\d{8}-\d{8}_001\.csv$/) // a supervisor's: their branch's requests
  const text = iconv.decode(csv.bytes, 'cp932')
  expect(text).not.toContain('\uFFFD')
  const rows = parse(text) as string[][]
  expect(rows[0]!.slice(0, 6)).toEqual(['受付番号', '受付日', '店番', '店名', '依頼種別', '状態'])
  expect(rows.find((r) => r[0] === receiptNo)?.slice(4, 10)).toEqual(['新規申込', '承認', '001', '普通', c.account, '木村 拓也'])
  await expect(page.getByTestId('notify')).toContainText(`（${rows.length - 1}件）をダウンロードしました`)
  await page.screenshot({ path: 'test-results/figures.png', fullPage: true })
  await logout(page)

  await login(page, 'admin1')
  await page.getByTestId('nav-imports').click()
  await page.getByTestId('export-customers-encoding').click()
  await page.getByRole('option', { name: 'UTF-8（BOM付き）' }).click()
  const list = await download(page, 'export-customers')
  expect([...list.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const customers = parse(list.bytes.subarray(3).toString('utf8')) as string[][]
  expect(customers[0]).toEqual(['店番', '預金種目', '口座番号', '氏名', 'フリガナ', '生年月日', '郵便番号', '住所', '電話番号', 'IB契約者ID', '登録状況', '解約日'])
  expect(customers.length).toBeGreaterThan(50)
})
