// The end-to-end journey and its steps, shared by the browser-preview spec and the Electron spec so
// that both drive the same screens the same way. Only what differs between the two shells (how the
// page is opened, how a downloaded PDF arrives) is passed in.
import { expect, type Locator, type Page } from '@playwright/test'

export const PASSWORD = 'demo-pass-2026'

/** The <input> inside a Vuetify field carrying the data-testid. */
export const input = (page: Page, testid: string): Locator => page.getByTestId(testid).locator('input').first()

/** Logs in from the login screen (the caller brings the page there). */
export async function login(page: Page, loginId: string): Promise<void> {
  await input(page, 'login-id').fill(loginId)
  await input(page, 'login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('session-user')).toBeVisible()
}

export async function logout(page: Page): Promise<void> {
  await page.getByTestId('logout').click()
  await expect(page.getByTestId('login-submit')).toBeVisible()
  await expect(page.getByTestId('session-user')).toHaveCount(0)
}

export async function searchByKana(page: Page, kana: string): Promise<Locator> {
  await page.getByTestId('nav-search').click()
  await page.getByTestId('search-tab-kana').click()
  await input(page, 'search-kana').fill(kana)
  await page.getByTestId('search-submit').click()
  await expect(page.getByTestId('search-count')).toBeVisible()
  return page.getByTestId('customer-row')
}

export async function openCustomer(page: Page, kana: string, name: string): Promise<void> {
  const rows = await searchByKana(page, kana)
  await rows.filter({ hasText: name }).click()
  await expect(page.getByTestId('customer-name')).toContainText(name)
}

/** Picks an option of a Vuetify select and waits until the field shows it. On a loaded machine
 * the click on the option can land while the menu is still opening; then it is tried again. */
export async function choose(page: Page, testid: string, option: string): Promise<void> {
  const field = page.getByTestId(testid)
  await expect(async () => {
    if (!(await page.getByRole('option', { name: option, exact: true }).isVisible())) await field.click()
    await page.getByRole('option', { name: option, exact: true }).click({ timeout: 3000 })
    await expect(field).toContainText(option, { timeout: 3000 })
  }).toPass({ timeout: 20_000 })
}

export const customerStatus = (page: Page): Locator => page.getByTestId('customer-info').getByTestId('status-chip')

/** What the customers' paper forms carry for the two numbers the teller types from the paper
 * (demo seed: account 1000001 + 17·i, IB契約者ID 2000000001 + 101·i for the i-th customer). */
export const PAPER = {
  '田中 花子': { account: '1000001', ib: '2000000001' },
  '山本 拓也': { account: '1000018', ib: '2000000102' },
  '中村 陽菜': { account: '1000035', ib: '2000000203' },
} as const

/** Types the 口座番号 and IB契約者ID from the paper (the form leaves them empty). */
export async function typeNumbersFromPaper(page: Page, name: keyof typeof PAPER): Promise<void> {
  await input(page, 'na-account-number').fill(PAPER[name].account)
  await input(page, 'na-ib-contract-id').fill(PAPER[name].ib)
}

export interface JourneyHooks {
  /** Opens the お客さま控's preview with the print button, saves the PDF and checks that a PDF
   * named after the 受付番号 arrived (tests/e2e-shared/forms.ts has the steps). */
  verifyReceipt(page: Page, printButton: Locator, receiptNo: string): Promise<void>
}

/** teller1 receives a 新規申込 for 田中 花子 and prints the receipt; super1 approves it. The page
 * must show the login screen. */
export async function newApplicationJourney(page: Page, hooks: JourneyHooks): Promise<void> {
  // --- teller1 finds the customer: half-width kana, full-width and hiragana all find her.
  await login(page, 'teller1')
  await expect(page.getByTestId('session-name')).toHaveText('佐藤 美咲')
  await expect(page.getByTestId('session-role')).toHaveText('担当者')
  await expect(page.getByTestId('demo-badge')).toBeVisible()

  const halfWidth = await searchByKana(page, 'ﾀﾅｶ')
  await expect(halfWidth.filter({ hasText: '田中 花子' })).toHaveCount(1)
  const names = await page.getByTestId('customer-row-name').allTextContents()
  for (const kana of ['タナカ', 'たなか']) {
    await searchByKana(page, kana)
    await expect(page.getByTestId('customer-row-name')).toHaveText(names)
  }

  await openCustomer(page, 'ﾀﾅｶ', '田中 花子')
  await expect(customerStatus(page)).toHaveText('未登録')
  await expect(page.getByTestId('request-empty')).toBeVisible()

  // --- the paper form, prefilled from the record. No field for any customer password or code.
  await page.getByTestId('start-new_application').click()
  await expect(input(page, 'na-name-kanji')).toHaveValue('田中 花子')
  await expect(page.locator('input[type="password"]')).toHaveCount(0)
  await expect(page.getByTestId('request-form-fields')).not.toContainText('パスワード')

  await choose(page, 'na-id-document', '運転免許証')
  await input(page, 'na-seal-matched').check()

  // A wrong 口座番号: the Japanese message appears as the field is left, and nothing is registered.
  await input(page, 'na-account-number').fill('12')
  await input(page, 'na-account-number').press('Tab')
  await expect(page.getByTestId('na-account-number')).toContainText('口座番号は数字7桁で入力してください')
  await page.getByTestId('na-confirm').click()
  await expect(page.getByTestId('notify-message')).toContainText('入力内容に誤りがあります')
  await expect(page.getByTestId('na-register-dialog')).toHaveCount(0)
  await expect(page.getByTestId('na-receipt-no')).toHaveCount(0)

  // The numbers are not prefilled: they are typed from the paper. An IB契約者ID that is not this
  // customer's is said at the field before any confirmation dialog (the main process refuses it
  // too, ACCOUNT_MISMATCH).
  await expect(input(page, 'na-ib-contract-id')).toHaveValue('')
  await input(page, 'na-account-number').fill('1000001')
  await input(page, 'na-account-number').press('Tab')
  await expect(page.getByTestId('na-account-number')).not.toContainText('口座番号は')
  await input(page, 'na-ib-contract-id').fill('2000000999')
  await page.getByTestId('na-confirm').click()
  await expect(page.getByTestId('na-ib-contract-id')).toContainText('IB契約者IDがお客さまの登録と一致しません')
  await expect(page.getByTestId('na-register-dialog')).toHaveCount(0)
  await expect(page.getByTestId('na-receipt-no')).toHaveCount(0)

  // Corrected: confirm, then register.
  await typeNumbersFromPaper(page, '田中 花子')
  await page.getByTestId('na-confirm').click()
  const dialog = page.getByTestId('na-register-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('summary-account')).toContainText('1000001')
  await expect(dialog.getByTestId('summary-identity')).toContainText('運転免許証')
  await page.getByTestId('na-register-ok').click()

  const receiptNoEl = page.getByTestId('na-receipt-no')
  await expect(receiptNoEl).toHaveText(/^001-\d{8}-\d{4}$/)
  const receiptNo = (await receiptNoEl.textContent())!.trim()
  const received = page.getByTestId('application-received')
  await expect(received.getByTestId('status-chip')).toHaveText('未登録')
  await expect(received.getByTestId('request-state')).toHaveText('検印待ち')

  // --- お客さま控: preview, then a PDF named after the 受付番号 (how it arrives depends on the shell).
  await hooks.verifyReceipt(page, received.getByTestId('print-receipt'), receiptNo)

  // The customer: still 未登録, one request (the refused attempt registered nothing), 検印待ち.
  await page.getByTestId('na-done').click()
  await expect(customerStatus(page)).toHaveText('未登録')
  const requestRows = page.getByTestId('request-row')
  await expect(requestRows).toHaveCount(1)
  await expect(requestRows.first().getByTestId('request-receipt-no')).toHaveText(receiptNo)
  await expect(requestRows.first().getByTestId('request-state')).toHaveText('検印待ち')
  await expect(page.getByTestId('start-new_application')).toBeDisabled()
  await logout(page)

  // --- super1 checks and approves it from the 検印待ち queue.
  await login(page, 'super1')
  await expect(page.getByTestId('session-role')).toHaveText('役席')
  await page.getByTestId('nav-review').click()
  const queueRow = page.locator(`[data-testid="queue-row"][data-receipt-no="${receiptNo}"]`)
  await expect(queueRow).toContainText('田中 花子')
  await expect(queueRow).toContainText('佐藤 美咲')
  await queueRow.click()
  await expect(page.getByTestId('review-receipt-no')).toHaveText(receiptNo)
  await expect(page.getByTestId('application-summary').getByTestId('summary-account')).toContainText('1000001')
  await page.getByTestId('approve').click()
  await page.getByTestId('approve-confirm-ok').click()
  await expect(page.getByTestId('notify-message')).toContainText('検印・承認しました')
  await expect(page.getByTestId('queue-count')).toBeVisible()
  await expect(queueRow).toHaveCount(0)

  // --- the customer is now 発行待ち, with the approval in the history.
  await openCustomer(page, 'タナカ', '田中 花子')
  await expect(customerStatus(page)).toHaveText('発行待ち')
  await expect(requestRows.first().getByTestId('request-state')).toHaveText('承認')
  await expect(requestRows.first()).toContainText('高橋 健一')
  const approval = page.locator('[data-testid="history-row"][data-kind="request_approved"]')
  await expect(approval).toHaveCount(1)
  await expect(approval).toContainText('新規申込を検印・承認')
  await expect(approval.getByTestId('history-from')).toHaveText('未登録')
  await expect(approval.getByTestId('history-to')).toHaveText('発行待ち')
  await expect(approval.getByTestId('history-actor')).toContainText('高橋 健一')
}
