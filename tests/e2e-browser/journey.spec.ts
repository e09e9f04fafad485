// Browser end-to-end tests through the real renderer and the real services (HTTP bridge on a
// fresh demo ledger). The tests share one ledger per run, so each uses its own customer.
import { expect, test, type Page } from '@playwright/test'
import { downloadShell, openPreview, pdfText, saveFromPreview } from '../e2e-shared/forms'
import { choose, customerStatus, input, login as loginFromScreen, newApplicationJourney, openCustomer, typeNumbersFromPaper } from '../e2e-shared/journey'

async function login(page: Page, loginId: string): Promise<void> {
  await page.goto('/')
  await loginFromScreen(page, loginId)
}

test('teller receives a 新規申込, prints the receipt; a supervisor approves it', async ({ page }) => {
  await page.goto('/')
  await newApplicationJourney(page, {
    async verifyReceipt(p, printButton, receiptNo) {
      // The button opens the preview; 「PDFを保存」 records the print and downloads the PDF.
      await openPreview(p, printButton, receiptNo)
      const file = await saveFromPreview(p, downloadShell, receiptNo)
      expect(pdfText(file)).toContain(receiptNo)
    },
  })
})

test('a teller has no 検印 menu and cannot open the queue', async ({ page }) => {
  await login(page, 'teller1')
  await expect(page.getByTestId('nav-search')).toBeVisible()
  await expect(page.getByTestId('nav-review')).toHaveCount(0)
  await page.goto('/#/review')
  await expect(page).toHaveURL(/#\/customers$/)
  await expect(page.getByTestId('queue')).toHaveCount(0)
  await expect(page.getByTestId('queue-empty')).toHaveCount(0)
})

test('a wrong password is refused with a Japanese message', async ({ page }) => {
  await page.goto('/')
  await input(page, 'login-id').fill('nobody')
  await input(page, 'login-password').fill('not-the-password')
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('login-error')).toHaveText('職員IDまたはパスワードが違います。')
  await expect(page.getByTestId('session-user')).toHaveCount(0)
})

test('Enter in a field of the 新規申込 form never submits it', async ({ page }) => {
  test.setTimeout(120_000) // a key press per field; on a loaded machine each takes a second
  await login(page, 'teller2')
  await openCustomer(page, 'ナカムラ', '中村 陽菜')
  await expect(customerStatus(page)).toHaveText('未登録')
  await page.getByTestId('start-new_application').click()
  await expect(input(page, 'na-name-kanji')).toHaveValue('中村 陽菜')

  // Make the form complete and valid, so that a submit on Enter would register it.
  await choose(page, 'na-id-document', 'マイナンバーカード')
  await input(page, 'na-seal-matched').check()
  await typeNumbersFromPaper(page, '中村 陽菜')

  // Enter moves on to the next field instead.
  await input(page, 'na-name-kanji').press('Enter')
  await expect(input(page, 'na-name-kana')).toBeFocused()
  for (const id of ['na-name-kana', 'na-postal-code', 'na-address', 'na-phone', 'na-account-branch', 'na-account-number', 'na-ib-contract-id']) {
    await input(page, id).focus()
    await input(page, id).press('Enter')
  }
  await page.getByTestId('na-birth-day').locator('input').press('Enter')
  await input(page, 'na-seal-matched').focus()
  await input(page, 'na-seal-matched').press('Enter')

  await expect(page.getByTestId('na-register-dialog')).toHaveCount(0)
  await expect(page.getByTestId('na-receipt-no')).toHaveCount(0)
  await expect(page.getByTestId('request-form-fields')).toBeVisible()

  // Nothing reached the ledger. 中止 of a filled form asks first (issue 13).
  await page.getByTestId('na-cancel').click()
  await page.getByTestId('na-discard-ok').click()
  await expect(customerStatus(page)).toHaveText('未登録')
  await expect(page.getByTestId('request-empty')).toBeVisible()
})

test('screens follow the ledger live: the queue and the open customer update without reloading', async ({ browser }) => {
  const tellerCtx = await browser.newContext()
  const supervisorCtx = await browser.newContext()
  try {
    const teller = await tellerCtx.newPage()
    const supervisor = await supervisorCtx.newPage()

    await login(supervisor, 'super2')
    await supervisor.getByTestId('nav-review').click()
    await expect(supervisor.getByTestId('queue-count')).toBeVisible()

    // teller2 receives a 新規申込 for 山本 拓也 and keeps her screen open.
    await login(teller, 'teller2')
    await openCustomer(teller, 'ヤマモト', '山本 拓也')
    await expect(customerStatus(teller)).toHaveText('未登録')
    await teller.getByTestId('start-new_application').click()
    await expect(input(teller, 'na-name-kanji')).toHaveValue('山本 拓也')
    await choose(teller, 'na-id-document', '旅券（パスポート）')
    await input(teller, 'na-seal-matched').check()
    await typeNumbersFromPaper(teller, '山本 拓也')
    await teller.getByTestId('na-confirm').click()
    await teller.getByTestId('na-register-ok').click()
    const receiptNo = (await teller.getByTestId('na-receipt-no').textContent())!.trim()
    await teller.getByTestId('na-done').click()
    await expect(customerStatus(teller)).toHaveText('未登録')

    // The supervisor's queue shows it without a reload; approving it updates the teller's screen.
    const row = supervisor.locator(`[data-testid="queue-row"][data-receipt-no="${receiptNo}"]`)
    await expect(row).toBeVisible()
    await row.click()
    await supervisor.getByTestId('approve').click()
    await supervisor.getByTestId('approve-confirm-ok').click()
    await expect(row).toHaveCount(0)

    await expect(customerStatus(teller)).toHaveText('発行待ち')
    await expect(teller.getByTestId('request-row').first().getByTestId('request-state')).toHaveText('承認')
  } finally {
    await tellerCtx.close()
    await supervisorCtx.close()
  }
})

test('an administrator registers a teller and resets the password they forgot', async ({ page }) => {
  await login(page, 'admin1')
  await page.getByTestId('nav-staff').click()
  await page.getByTestId('staff-create').click()
  await input(page, 'staff-login-id').fill('madoguchi9')
  await input(page, 'staff-name').fill('窓口 九郎')
  await choose(page, 'staff-role', '担当者')
  await input(page, 'staff-password').fill('first-pass-2026')
  await input(page, 'staff-password-confirm').fill('first-pass-2026')
  await page.getByTestId('staff-create-submit').click()
  await expect(page.locator('[data-testid="staff-row"][data-login-id="madoguchi9"]')).toContainText('窓口 九郎')

  await page.getByTestId('staff-reset-madoguchi9').click()
  await input(page, 'reset-password').fill('second-pass-2026')
  await input(page, 'reset-password-confirm').fill('second-pass-2027')
  await page.getByTestId('staff-password-submit').click()
  await expect(page.getByTestId('reset-password-confirm')).toContainText('パスワードが一致しません')
  await input(page, 'reset-password-confirm').fill('second-pass-2026')
  await page.getByTestId('staff-password-submit').click()
  await expect(page.getByTestId('notify-message')).toContainText('パスワードを再設定しました')
  await page.getByTestId('logout').click()

  await input(page, 'login-id').fill('madoguchi9')
  await input(page, 'login-password').fill('first-pass-2026')
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('login-error')).toHaveText('職員IDまたはパスワードが違います。')
  await input(page, 'login-password').fill('second-pass-2026')
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('session-name')).toHaveText('窓口 九郎')
  // The reset password is one-time: the staff member changes it before anything else.
  await expect(page.getByTestId('change-password-card')).toBeVisible()
})

test('on the day of a ご利用解除 the customer screen holds 新規申込 back and says from when', async ({ page }) => {
  // The demo's 前田 大輔 was cancelled "today" (demo seed).
  await login(page, 'teller1')
  await openCustomer(page, 'ﾏｴﾀﾞ', '前田 大輔')
  await expect(customerStatus(page)).toHaveText('解除済')
  await expect(page.getByTestId('blocked-request-note')).toContainText('以降に受け付けできます')
  await expect(page.getByTestId('start-new_application')).toHaveCount(0)
})
