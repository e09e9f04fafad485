// Steps for 閉塞解除: the teller's verification checklist, and the supervisor's decision with
// 役席認証 in the approval dialog (on the counter terminal or on the 検印 screen). Shared by the
// browser-preview spec (and usable by the Electron one).
import { expect, type Locator, type Page } from '@playwright/test'
import { choose, input, PASSWORD } from './journey'
import { fillFromPaper, type DemoCustomer } from './requests'

export interface Verification {
  blockAccount: string
  othersMayHaveTried: boolean
  fraudSuspected: boolean
}

export const ORDINARY_BLOCK: Verification = {
  blockAccount: '機種変更のあと、古いスマートフォンの表示を見て何度も入力してしまった。',
  othersMayHaveTried: false,
  fraudSuspected: false,
}

/** The radio of an あり/なし question (testid prefix ul-others-tried / ul-fraud). */
export const answer = (page: Page, prefix: string, yes: boolean): Locator => page.getByTestId(`${prefix}-${yes ? 'yes' : 'no'}`).locator('input')

/** The paper's numbers, the identity document and the seal (as every kind), then the checklist. */
export async function fillUnlockForm(page: Page, c: DemoCustomer, v: Verification = ORDINARY_BLOCK, document = '運転免許証'): Promise<void> {
  await fillFromPaper(page, c, document)
  await input(page, 'ul-id-matches').check()
  await input(page, 'ul-contract-holder').check()
  await page.getByTestId('ul-block-account').locator('textarea').first().fill(v.blockAccount)
  await answer(page, 'ul-others-tried', v.othersMayHaveTried).check()
  await answer(page, 'ul-fraud', v.fraudSuspected).check()
}

export const saDialog = (page: Page): Locator => page.getByTestId('sa-dialog')

/** Types the credentials into the open approval dialog (login ID left as is when undefined). */
export async function typeCredentials(page: Page, loginId: string | undefined, password = PASSWORD): Promise<void> {
  const d = saDialog(page)
  if (loginId !== undefined) await d.getByTestId('sa-login-id').locator('input').fill(loginId)
  await d.getByTestId('sa-password').locator('input').fill(password)
}

/** Approves in the open dialog with the given credentials; the dialog closes. */
export async function approveInDialog(page: Page, loginId: string | undefined, opts: { acknowledge?: boolean } = {}): Promise<void> {
  const d = saDialog(page)
  await typeCredentials(page, loginId)
  if (opts.acknowledge) await d.getByTestId('sa-ack-repeat').locator('input').check()
  await d.getByTestId('sa-approve').click()
  await expect(d).toHaveCount(0)
  await expect(page.getByTestId('notify-message')).toContainText('閉塞解除を承認しました')
}

/** Returns (差戻し) in the open dialog with the given credentials and reason; the dialog closes. */
export async function returnInDialog(page: Page, loginId: string | undefined, reason: string): Promise<void> {
  const d = saDialog(page)
  await typeCredentials(page, loginId)
  // The reason is required for 差戻し.
  await d.getByTestId('sa-return').click()
  await expect(d.getByTestId('sa-reason')).toContainText('差戻しの理由を入力してください')
  await expect(d).toBeVisible()
  await d.getByTestId('sa-reason').locator('textarea').first().fill(reason)
  await d.getByTestId('sa-return').click()
  await expect(d).toHaveCount(0)
  await expect(page.getByTestId('notify-message')).toContainText('差戻ししました')
}

/** Records 閉塞 (10回連続誤入力) for the open customer, as the centre reported it. */
export async function recordBlockEvent(page: Page): Promise<void> {
  await page.getByTestId('event-record').click()
  await expect(page.getByTestId('event-dialog')).toBeVisible()
  await choose(page, 'event-kind', '閉塞（10回連続誤入力）')
  await choose(page, 'event-source', 'センターからの連絡')
  await page.getByTestId('event-submit').click()
  await expect(page.getByTestId('event-dialog')).toHaveCount(0)
  await expect(page.getByTestId('customer-info').getByTestId('status-chip')).toHaveText('閉塞')
}
