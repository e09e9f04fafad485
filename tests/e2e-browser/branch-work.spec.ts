// The counter as a branch works it (issue 13): an urgent 利用停止 takes effect at reception and
// supersedes the customer's open request (its teller is told in 本日の自分の受付); supervisors land
// on their 検印 queue; another teller takes over a returned request; the 日次取扱一覧 on screen,
// filtered by state and kind. Through the real renderer and services (HTTP bridge, the shared demo
// ledger: this spec uses demo customers 34 and 35, which no other spec touches).
import { expect, test, type Page } from '@playwright/test'
import { choose, customerStatus, login as loginFromScreen } from '../e2e-shared/journey'
import { chooseSuspensionReason, demoCustomer, fillFromPaper, historyRows, logout, openDemoCustomer, openFromQueue, registerForm, returnOpenRequest, returnedRow } from '../e2e-shared/requests'

async function login(page: Page, loginId: string): Promise<void> {
  await page.goto('/')
  await loginFromScreen(page, loginId)
}

// Each test walks several staff members through several screens: more than the default minute.
test.describe.configure({ timeout: 240_000 })

const myDayRow = (page: Page, receiptNo: string) => page.locator(`[data-testid="my-day-row"][data-receipt-no="${receiptNo}"]`)

test('緊急停止: 紛失・盗難 stops the token at reception over an open request, which is superseded and its teller told; the supervisor checks afterwards', async ({ page }) => {
  const c = demoCustomer(34)
  expect(c.status).toBe('サービス利用中')
  // teller2 receives a ご利用解除: it waits for 検印.
  await login(page, 'teller2')
  await openDemoCustomer(page, c)
  await page.getByTestId('start-cancellation').click()
  await fillFromPaper(page, c)
  const cancelNo = await registerForm(page)
  await logout(page)

  // teller1: the customer lost the phone. Only the 利用停止 is still offered.
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await expect(page.getByTestId('open-request-note')).toContainText(cancelNo)
  await expect(page.getByTestId('start-cancellation')).toBeDisabled()
  await page.getByTestId('start-suspension').click()
  await expect(page.getByTestId('na-not-allowed')).toContainText('緊急停止')
  await chooseSuspensionReason(page, '紛失・盗難')
  await expect(page.getByTestId('rq-urgent-note')).toContainText('受付と同時に利用停止になります')
  await expect(page.getByTestId('na-supersedes')).toContainText(cancelNo)
  await fillFromPaper(page, c)
  const stopNo = await registerForm(page)
  await expect(page.getByTestId('rq-urgent-done')).toBeVisible()
  await page.screenshot({ path: 'test-results/shots/urgent-stop-received.png' })
  await page.getByTestId('na-done').click()
  await expect(customerStatus(page)).toHaveText('利用停止')
  const received = historyRows(page, 'request_received').first()
  await expect(received.getByTestId('history-to')).toHaveText('利用停止')
  await expect(historyRows(page, 'request_superseded').getByTestId('history-note')).toContainText(`緊急の利用停止（受付番号 ${stopNo}）の受付により失効`)
  await page.screenshot({ path: 'test-results/shots/urgent-stop-customer.png', fullPage: true })
  await logout(page)

  // teller2 is told: 本日の自分の受付 shows the ご利用解除 as 失効, with why.
  await login(page, 'teller2')
  await page.getByTestId('nav-today').click()
  await expect(myDayRow(page, cancelNo).getByTestId('my-day-note')).toContainText(`緊急の利用停止（受付番号 ${stopNo}・佐藤 美咲）の受付により失効しました`)
  await expect(myDayRow(page, cancelNo)).toHaveAttribute('data-state', 'superseded')
  await page.screenshot({ path: 'test-results/shots/my-day.png' })
  await logout(page)

  // super1 lands on the 検印 queue and approves afterwards (事後検印); the stop stays.
  await login(page, 'super1')
  await expect(page).toHaveURL(/#\/review$/)
  await openFromQueue(page, stopNo, '利用停止')
  await page.getByTestId('approve').click()
  await page.getByTestId('approve-confirm-ok').click()
  await expect(page.getByTestId('notify-message')).toContainText('検印・承認しました')
  await openDemoCustomer(page, c)
  await expect(customerStatus(page)).toHaveText('利用停止')
  await expect(historyRows(page, 'request_approved').first().getByTestId('history-note')).toContainText('事後検印')
})

test('引継ぎ: another teller takes over a returned request, corrects and resubmits it; the journal lists the day filtered by state and kind', async ({ page }) => {
  const c = demoCustomer(35)
  expect(c.status).toBe('サービス利用中')
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await page.getByTestId('start-cancellation').click()
  await fillFromPaper(page, c)
  const receiptNo = await registerForm(page)
  await logout(page)
  await login(page, 'super1')
  await openFromQueue(page, receiptNo, 'ご利用解除')
  await returnOpenRequest(page, receiptNo, '本人確認書類は旅券です。訂正してください。')
  await logout(page)

  // teller1 is away: teller2 sees the branch's returned request, with who received it.
  await login(page, 'teller2')
  await page.getByTestId('nav-returned').click()
  const row = returnedRow(page, receiptNo)
  await expect(row.getByTestId('returned-handler')).toContainText('佐藤 美咲')
  await expect(row.getByTestId('returned-mine')).toHaveCount(0)
  await page.screenshot({ path: 'test-results/shots/returned-branch.png' })
  await row.click()
  await expect(page.getByTestId('rc-not-mine')).toContainText('佐藤 美咲さんが受け付けたもの')
  await expect(page.getByTestId('resubmit')).toHaveCount(0)
  await page.getByTestId('rc-take-over').click()
  await expect(page.getByTestId('notify-message')).toContainText('依頼を引き継ぎました')
  await expect(page.getByTestId('rc-not-mine')).toHaveCount(0)
  await choose(page, 'na-id-document', '旅券（パスポート）')
  await page.getByTestId('resubmit').click()
  await page.getByTestId('resubmit-confirm-ok').click()
  await expect(page.getByTestId('notify-message')).toContainText('再提出しました')
  await expect(returnedRow(page, receiptNo)).toHaveCount(0)
  await openDemoCustomer(page, c)
  await expect(historyRows(page, 'request_taken_over').getByTestId('history-note')).toHaveText('内容：佐藤 美咲 から 鈴木 翔太 へ引継ぎ')
  await logout(page)

  // The 日次取扱一覧 on screen: the resubmitted request with its trail; filters by state and kind.
  await login(page, 'super2')
  await page.getByTestId('nav-journal').click()
  const line = page.locator(`[data-testid="journal-row"][data-receipt-no="${receiptNo}"]`)
  await expect(line.getByTestId('journal-row-note')).toContainText('差戻し1回／再提出1回')
  await expect(line).toContainText('引継ぎ：鈴木 翔太')
  await expect(page.getByTestId('journal-count-returns')).not.toHaveText('差戻し 0件')
  await choose(page, 'journal-filter-kind', 'ご利用解除')
  await expect(page.getByTestId('journal-row').first()).toBeVisible()
  for (const k of await page.getByTestId('journal-row').all()) await expect(k).toHaveAttribute('data-kind', 'cancellation')
  await choose(page, 'journal-filter-state', '検印待ち')
  await expect(line).toBeVisible()
  for (const k of await page.getByTestId('journal-row').all()) await expect(k).toHaveAttribute('data-state', 'pending_review')
  await page.screenshot({ path: 'test-results/shots/journal-list.png', fullPage: true })
  await choose(page, 'journal-filter-state', '承認')
  await expect(line).toHaveCount(0)
})
