// What the teller types is kept or refused, never cut or misread, and the paper is compared with
// the registered record at reception and at 検印 (issue 13, points 6, 7 and the smaller points of
// 9), through the real renderer and services. Demo customers used here and nowhere else:
// i = 5, 6 (未登録), 36 (サービス利用中; 34 only opened, its IB契約者ID borrowed).
import fs from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { choose, input } from '../e2e-shared/journey'
import {
  demoCustomer,
  fillFromPaper,
  login as loginFromScreen,
  logout,
  openDemoCustomer,
  openFromQueue,
  returnedRow,
  returnOpenRequest,
} from '../e2e-shared/requests'

const SHOTS = 'docs/screenshots'
// Several logins and screens per test, on a machine shared with other work.
test.describe.configure({ timeout: 180_000 })

async function login(page: Page, loginId: string): Promise<void> {
  await page.goto('/')
  await loginFromScreen(page, loginId)
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/${name}.png` })
}

const fieldError = (page: Page, testid: string) => page.getByTestId(testid).locator('.v-messages__message')

test('reception: an over-long number is refused at the field, a mismatch is caught before the dialog, differences are shown side by side', async ({ page }) => {
  test.setTimeout(300_000) // reception, 検印, correction and a second 検印, on a shared machine
  const c = demoCustomer(36)
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await page.getByTestId('start-cancellation').click()
  await expect(page.getByTestId('request-form-fields')).toHaveAttribute('data-kind', 'cancellation')

  // 8 digits stay 8 digits (no maxlength cutting them to another customer's number) and are refused.
  const account = input(page, 'na-account-number')
  await account.pressSequentially(`${c.account}8`)
  await expect(account).toHaveValue(`${c.account}8`)
  await account.blur()
  await expect(fieldError(page, 'na-account-number')).toHaveText('口座番号は数字7桁で入力してください')
  await account.fill(c.account)
  await expect(fieldError(page, 'na-account-number')).toHaveCount(0)

  // Someone else's IB契約者ID: said at the field when it is left, before any confirmation dialog.
  await fillFromPaper(page, { ...c, ib: demoCustomer(34).ib })
  await input(page, 'na-ib-contract-id').blur()
  await expect(fieldError(page, 'na-ib-contract-id')).toHaveText('IB契約者IDがお客さまの登録と一致しません')
  await page.getByTestId('na-confirm').click()
  await expect(page.getByTestId('na-register-dialog')).toHaveCount(0)
  await expect(page.getByTestId('notify-message')).toContainText('入力内容に誤りがあります（1件）')
  // Fixing it takes the count away with it.
  await input(page, 'na-ib-contract-id').fill(c.ib)
  await expect(page.getByTestId('notify-message')).toHaveCount(0)

  // The paper's name differs from the record: shown side by side, highlighted, before registering.
  const typed = c.name.replace(' ', '　') + '（旧姓）'
  await input(page, 'na-name-kanji').fill(typed)
  await page.getByTestId('na-remarks').locator('textarea').first().fill('（ー～①）')
  await page.getByTestId('na-confirm').click()
  const compare = page.getByTestId('na-register-dialog').getByTestId('na-compare')
  await expect(compare).toHaveAttribute('data-differences', '1')
  const nameRow = compare.locator('[data-field="nameKanji"]')
  await expect(nameRow).toHaveAttribute('data-same', 'false')
  await expect(nameRow).toContainText(typed)
  await expect(nameRow).toContainText(c.name)
  await expect(compare.locator('[data-field="account.number"]')).toHaveAttribute('data-same', 'true')
  await shot(page, 'reception-compare')
  await page.getByTestId('na-register-ok').click()
  const receiptNo = (await page.getByTestId('na-receipt-no').textContent())!.trim()
  await logout(page)

  // 検印: the same comparison beside the record, then 差戻し with a reason.
  await login(page, 'super1')
  await openFromQueue(page, receiptNo, 'ご利用解除')
  const review = page.getByTestId('review-compare')
  await expect(review).toHaveAttribute('data-differences', '1')
  await expect(review.locator('[data-field="nameKanji"]')).toHaveAttribute('data-same', 'false')
  await expect(page.getByTestId('application-summary')).toContainText('（ー～①）') // 備考 as typed
  await shot(page, 'review-compare')
  await returnOpenRequest(page, receiptNo, 'お名前が登録と違います。依頼書を確認してください。')
  await logout(page)

  // The teller corrects the name and resubmits; the confirmation lists what changed.
  await login(page, 'teller1')
  await page.getByTestId('nav-returned').click()
  await returnedRow(page, receiptNo).click()
  await input(page, 'na-name-kanji').fill(c.name)
  await page.getByTestId('resubmit').click()
  await expect(page.getByTestId('resubmit-changes')).toContainText(typed)
  await expect(page.getByTestId('resubmit-compare')).toHaveAttribute('data-differences', '0')
  await page.getByTestId('resubmit-confirm-ok').click()
  await expect(page.getByTestId('notify-message')).toContainText('再提出しました')
  await logout(page)

  // The supervisor sees the earlier return reason and exactly what changed.
  await login(page, 'super2')
  await openFromQueue(page, receiptNo, 'ご利用解除')
  await expect(page.getByTestId('resubmission-reason')).toContainText('お名前が登録と違います。依頼書を確認してください。')
  const change = page.locator('[data-testid="resubmission-change"][data-field="nameKanji"]')
  await expect(change).toContainText(typed)
  await expect(change).toContainText(c.name)
  await expect(page.getByTestId('resubmission-change')).toHaveCount(1)
  await expect(page.getByTestId('review-compare')).toHaveAttribute('data-differences', '0')
  await shot(page, 'review-resubmission')
})

test('和暦 boxes: a 西暦 year is understood in its era or refused, empty boxes keep their labels; 中止 asks before discarding', async ({ page }) => {
  const c = demoCustomer(5)
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await page.getByTestId('start-new_application').click()
  const year = input(page, 'na-birth-year')
  await choose(page, 'na-birth-era', '昭和')
  await year.fill('1965')
  await input(page, 'na-birth-month').fill('5')
  await input(page, 'na-birth-day').fill('3')
  await expect(year).toHaveValue('1965') // not cut to 19
  await expect(page.getByTestId('na-birth-seireki')).toContainText('昭和40年5月3日')
  await choose(page, 'na-birth-era', '平成')
  await input(page, 'na-address').click() // leave the group
  await expect(page.getByTestId('na-birth-error')).toContainText('西暦1965年5月3日は平成の期間')
  await shot(page, 'wareki-seireki-year')

  // Empty boxes still say what they are.
  await input(page, 'na-birth-month').fill('')
  await expect(page.getByTestId('na-birth-month').locator('label').first()).toHaveText('月')

  // 中止 on a filled form asks first; 入力を続ける keeps everything.
  await page.getByTestId('na-cancel').click()
  await expect(page.getByTestId('na-discard-dialog')).toBeVisible()
  await page.getByTestId('na-discard-cancel').click()
  await expect(year).toHaveValue('1965')
  await page.getByTestId('na-cancel').click()
  await page.getByTestId('na-discard-ok').click()
  await expect(page.getByTestId('customer-name')).toContainText(c.name)
})

test('search: a format message instead of 0件, a refused search clears the old results, 名 finds, rows move with the arrow keys', async ({ page }) => {
  await login(page, 'teller1')
  await page.getByTestId('nav-search').click()
  await page.getByTestId('search-tab-account').click()
  await input(page, 'search-account').fill('1000001')
  await page.getByTestId('search-submit').click()
  await expect(page.getByTestId('customer-row')).toHaveCount(1)
  await input(page, 'search-account').fill('100-000')
  await page.getByTestId('search-submit').click()
  await expect(fieldError(page, 'search-account')).toContainText('数字だけで入力してください')
  await expect(page.getByTestId('customer-row')).toHaveCount(0)
  await expect(page.getByTestId('search-count')).toHaveCount(0)

  // By the given name alone: kana, then kanji.
  const c = demoCustomer(6)
  const [, given] = c.name.split(' ')
  await page.getByTestId('search-tab-name').click()
  await input(page, 'search-name').fill(given!)
  await page.getByTestId('search-submit').click()
  await expect(page.getByTestId('customer-row').filter({ hasText: c.name }).first()).toBeVisible()

  await page.getByTestId('search-tab-kana').click()
  await input(page, 'search-kana').fill('タ')
  await page.getByTestId('search-submit').click()
  const rows = page.getByTestId('customer-row')
  await expect(rows.nth(1)).toBeVisible()
  await input(page, 'search-kana').press('ArrowDown')
  await expect(rows.nth(0)).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(rows.nth(1)).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await expect(rows.nth(0)).toBeFocused()
  const name = (await rows.nth(0).getByTestId('customer-row-name').textContent())!.trim()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('customer-name')).toContainText(name)
})

test('at 1024 px the header keeps the date and the branch; the identity documents offer 資格確認書, not 健康保険証', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 })
  await login(page, 'super1')
  await expect(page.getByTestId('business-date')).toBeVisible()
  await expect(page.getByTestId('session-branch')).toBeVisible()
  await expect(page.getByTestId('session-branch')).toContainText('001')
  await expect(page.getByTestId('logout')).toBeInViewport()
  await shot(page, 'header-1024-supervisor')
  await logout(page)

  await loginFromScreen(page, 'teller1')
  await expect(page.getByTestId('business-date')).toBeVisible()
  await openDemoCustomer(page, demoCustomer(34))
  await page.getByTestId('start-cancellation').click()
  await page.getByTestId('na-id-document').click()
  await expect(page.getByRole('option', { name: '資格確認書＋補助書類' })).toBeVisible()
  await expect(page.getByRole('option', { name: /健康保険証/ })).toHaveCount(0)
  await page.getByRole('option', { name: '資格確認書＋補助書類' }).click()
  await expect(page.getByTestId('na-second-document')).toBeVisible()
  await shot(page, 'form-1024-teller')
})
