// 閉塞解除 from the counter: the teller's verification checklist, the supervisor's approval with
// 役席認証 on the same terminal (or from the 検印 queue with the password typed again), 差戻し, the
// fraud-suspected path to 利用停止, the repeated-unlock warning and who may approve. Through the
// real renderer and services (HTTP bridge, one fresh demo ledger per run). Demo customers used
// here and nowhere else: 30, 31, 32 (サービス利用中, made 閉塞 by an event) and 38, 39, 40 (閉塞).
import { expect, test, type Locator, type Page } from '@playwright/test'
import { downloadShell, openPreview, saveFromPreview } from '../e2e-shared/forms'
import { customerStatus, input, login as loginFromScreen } from '../e2e-shared/journey'
import {
  demoCustomer,
  expectOfferedKinds,
  fillFromPaper,
  historyRows,
  logout,
  openDemoCustomer,
  openFromQueue,
  queueRow,
  registerForm,
  returnedRow,
  type DemoCustomer,
} from '../e2e-shared/requests'
import {
  answer,
  approveInDialog,
  fillUnlockForm,
  ORDINARY_BLOCK,
  recordBlockEvent,
  returnInDialog,
  saDialog,
  typeCredentials,
} from '../e2e-shared/unlock'

async function login(page: Page, loginId: string): Promise<void> {
  await page.goto('/')
  await loginFromScreen(page, loginId)
}

/** The お客さま控: the button opens its preview, 「PDFを保存」 records it and downloads the PDF. */
async function verifyReceiptPdf(page: Page, button: Locator, receiptNo: string): Promise<void> {
  await openPreview(page, button, receiptNo)
  await saveFromPreview(page, downloadShell, receiptNo)
}

const received = (page: Page): Locator => page.getByTestId('application-received')

/** From the customer screen: the 閉塞解除 form, filled and registered; the result screen stays. */
async function receiveUnlock(page: Page, c: DemoCustomer): Promise<string> {
  await page.getByTestId('start-unlock').click()
  await expect(page.getByTestId('request-form-fields')).toHaveAttribute('data-kind', 'unlock')
  await fillUnlockForm(page, c)
  const receiptNo = await registerForm(page)
  await expect(received(page).getByTestId('request-state')).toHaveText('検印待ち')
  await expect(received(page).getByTestId('status-chip')).toHaveText('閉塞')
  return receiptNo
}

test('閉塞解除 at the counter: verification checklist, 役席認証 (a wrong password first), サービス利用中, receipt and history', async ({ page }) => {
  const c = demoCustomer(38)
  expect(c).toMatchObject({ name: '斎藤 拓也', status: '閉塞' })
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await expect(customerStatus(page)).toHaveText('閉塞')
  await expect(page.getByTestId('customer-wrong-entries')).toHaveText('10回')
  await expectOfferedKinds(page, ['suspension', 'cancellation', 'unlock'])

  // --- the form: the paper's fields and the numbered checklist; no field for any customer password.
  await page.getByTestId('start-unlock').click()
  await expect(page.getByTestId('request-form-title')).toContainText('閉塞解除')
  await expect(page.getByTestId('ul-checklist')).toBeVisible()
  await expect(page.locator('input[type="password"]')).toHaveCount(0)
  await expect(page.getByTestId('ul-progress')).toHaveText('確認済 0 / 6')

  // Every verification step is required, with a Japanese message on the step.
  await page.getByTestId('na-confirm').click()
  await expect(page.getByTestId('notify-message')).toContainText('入力内容に誤りがあります')
  await expect(page.getByTestId('ul-id-matches')).toContainText('本人確認書類の写真・記載内容が申出人と一致することを確認してください')
  await expect(page.getByTestId('ul-contract-holder')).toContainText('申出人がご契約者ご本人であることを確認してください')
  await expect(page.getByTestId('ul-block-account')).toContainText('閉塞に至った経緯を入力してください')
  await expect(page.getByTestId('ul-others-tried')).toContainText('他の人がワンタイムパスワードを入力した可能性を選択してください')
  await expect(page.getByTestId('ul-fraud')).toContainText('不正利用の疑いの有無を選択してください')
  await expect(page.getByTestId('na-register-dialog')).toHaveCount(0)

  await fillUnlockForm(page, c, { ...ORDINARY_BLOCK, othersMayHaveTried: true })
  await expect(page.getByTestId('ul-progress')).toHaveText('確認済 6 / 6')
  // Enter in a field moves on and never submits.
  await input(page, 'na-ib-contract-id').press('Enter')
  await input(page, 'na-phone').press('Enter')
  await expect(page.getByTestId('na-register-dialog')).toHaveCount(0)

  // The confirmation shows the answers as they will be recorded.
  await page.getByTestId('na-confirm').click()
  const confirm = page.getByTestId('na-register-dialog')
  await expect(confirm.getByTestId('summary-kind')).toHaveText('閉塞解除')
  await expect(confirm.getByTestId('summary-ul-id-matches')).toHaveText('写真・記載内容が一致')
  await expect(confirm.getByTestId('summary-ul-contract-holder')).toHaveText('確認済')
  await expect(confirm.getByTestId('summary-ul-block-account')).toHaveText(ORDINARY_BLOCK.blockAccount)
  await expect(confirm.getByTestId('summary-ul-others-tried')).toHaveText('あり')
  await expect(confirm.getByTestId('summary-ul-fraud')).toHaveText('なし')
  await expect(confirm.getByTestId('na-result-status')).toHaveText('サービス利用中')
  await page.getByTestId('na-register-ok').click()
  const receiptNo = (await page.getByTestId('na-receipt-no').textContent())!.trim()
  expect(receiptNo).toMatch(/^001-\d{8}-\d{4}$/)
  await expect(received(page).getByTestId('request-state')).toHaveText('検印待ち')

  // --- 役席認証 at the counter: the supervisor reads the answers and types their own credentials.
  await page.getByTestId('approve-unlock').click()
  const d = saDialog(page)
  await expect(d).toBeVisible()
  await expect(d.getByTestId('sa-receipt-no')).toHaveText(receiptNo)
  await expect(d.getByTestId('summary-ul-block-account')).toHaveText(ORDINARY_BLOCK.blockAccount)
  await expect(d.getByTestId('summary-ul-others-tried')).toHaveText('あり')
  await expect(d.getByTestId('summary-identity')).toContainText('確認者：佐藤 美咲')
  await expect(d.getByTestId('sa-repeat-warning')).toHaveCount(0)
  await expect(d.getByTestId('sa-login-id').locator('input')).toHaveValue('')
  await expect(d.getByTestId('sa-password').locator('input')).toHaveAttribute('type', 'password')
  await expect(d.getByTestId('sa-password').locator('input')).toHaveAttribute('autocomplete', 'off')

  // A wrong password: refused in the dialog, the password cleared, nothing changed.
  await typeCredentials(page, 'super1', 'not-the-password')
  await d.getByTestId('sa-approve').click()
  await expect(d.getByTestId('sa-error')).toHaveText('職員IDまたはパスワードが違います。')
  await expect(d.getByTestId('sa-password').locator('input')).toHaveValue('')
  await expect(d.getByTestId('sa-login-id').locator('input')).toHaveValue('super1')
  await expect(received(page).getByTestId('request-state')).toHaveText('検印待ち')

  // The right one: approved; the new status and the receipt are offered at once.
  await approveInDialog(page, undefined)
  await expect(page.getByTestId('notify-message')).toContainText('高橋 健一')
  await expect(page.getByTestId('ul-approved')).toBeVisible()
  await expect(page.getByTestId('ul-result-status')).toHaveText('サービス利用中')
  await expect(received(page).getByTestId('request-state')).toHaveText('承認')
  await expect(page.getByTestId('ul-reviewed-by')).toContainText('高橋 健一')
  await expect(page.getByTestId('approve-unlock')).toHaveCount(0)
  await verifyReceiptPdf(page, received(page).getByTestId('print-receipt'), receiptNo)

  // --- the customer: サービス利用中, wrong entries reset; the history says who verified and who approved.
  await page.getByTestId('na-done').click()
  await expect(customerStatus(page)).toHaveText('サービス利用中')
  await expect(page.getByTestId('customer-wrong-entries')).toHaveText('0回')
  const row = page.getByTestId('request-row').first()
  await expect(row.getByTestId('request-state')).toHaveText('承認')
  await expect(row).toContainText('佐藤 美咲')
  await expect(row).toContainText('高橋 健一')
  const approval = historyRows(page, 'request_approved').first()
  await expect(approval.getByTestId('history-what')).toHaveText('閉塞解除を役席認証で承認')
  await expect(approval.getByTestId('history-from')).toHaveText('閉塞')
  await expect(approval.getByTestId('history-to')).toHaveText('サービス利用中')
  await expect(approval.getByTestId('history-actor')).toHaveText('承認（役席認証）：高橋 健一')
  await expect(approval.getByTestId('history-note')).toContainText('役席認証により承認（端末操作：佐藤 美咲）')
  const reception = historyRows(page, 'request_received').first()
  await expect(reception.getByTestId('history-what')).toContainText('閉塞解除を受付')
  await expect(reception.getByTestId('history-actor')).toHaveText('確認・受付：佐藤 美咲')
})

test('閉塞解除 returned through the 役席認証 dialog: the teller finds it in 差戻し一覧, corrects, resubmits, and it is approved', async ({ page }) => {
  const c = demoCustomer(39)
  expect(c).toMatchObject({ name: '清水 陽菜', status: '閉塞' })
  const reason = '閉塞の経緯をもう少し具体的に、いつ頃・何回くらいかを聞き取ってください。'
  await login(page, 'teller2')
  await openDemoCustomer(page, c)
  const receiptNo = await receiveUnlock(page, c)

  await page.getByTestId('approve-unlock').click()
  await returnInDialog(page, 'super2', reason)
  await expect(page.getByTestId('ul-returned')).toBeVisible()
  await expect(page.getByTestId('ul-returned-reason')).toHaveText(`差戻し理由：${reason}`)
  await expect(received(page).getByTestId('request-state')).toHaveText('差戻し')
  await expect(received(page).getByTestId('status-chip')).toHaveText('閉塞')

  // The teller's 差戻し一覧, with the reason; the same form as typed, the checklist filled in.
  await page.getByTestId('nav-returned').click()
  const r = returnedRow(page, receiptNo)
  await expect(r).toContainText('閉塞解除')
  await expect(r.getByTestId('returned-reason')).toHaveText(reason)
  await r.click()
  await expect(page.getByTestId('returned-reason')).toHaveText(reason)
  await expect(page.getByTestId('request-form-fields')).toHaveAttribute('data-kind', 'unlock')
  await expect(page.getByTestId('ul-block-account').locator('textarea').first()).toHaveValue(ORDINARY_BLOCK.blockAccount)
  await expect(answer(page, 'ul-fraud', false)).toBeChecked()
  await expect(input(page, 'ul-contract-holder')).toBeChecked()
  const better = '先週の月曜日、機種変更後に古い端末の表示を見て10回ほど入力した。他の人は触っていない。'
  await page.getByTestId('ul-block-account').locator('textarea').first().fill(better)
  await page.getByTestId('resubmit').click()
  await expect(page.getByTestId('resubmit-confirm-dialog').getByTestId('summary-ul-block-account')).toHaveText(better)
  await page.getByTestId('resubmit-confirm-ok').click()
  await expect(page.getByTestId('notify-message')).toContainText('再提出しました')

  // Back at the customer, the pending unlock is approved at the counter with 役席認証.
  await openDemoCustomer(page, c)
  await page.getByTestId('open-request-link').click()
  await expect(page.getByTestId('rc-pending')).toBeVisible()
  await page.getByTestId('approve-unlock').click()
  await expect(saDialog(page).getByTestId('summary-ul-block-account')).toHaveText(better)
  await approveInDialog(page, 'super1')
  await expect(page.getByTestId('rc-closed')).toBeVisible()
  await openDemoCustomer(page, c)
  await expect(customerStatus(page)).toHaveText('サービス利用中')
  const returned = historyRows(page, 'request_returned').first()
  await expect(returned.getByTestId('history-what')).toHaveText('閉塞解除を役席認証で差戻し')
  await expect(returned.getByTestId('history-note')).toHaveText(`差戻し理由：${reason}`)
  await expect(returned.getByTestId('history-actor')).toHaveText('差戻し（役席認証）：伊藤 由美')
  await expect(historyRows(page, 'request_approved').first().getByTestId('history-actor')).toHaveText('承認（役席認証）：高橋 健一')
})

test('不正利用の疑い「あり」: the unlock cannot be confirmed; the teller is steered to 利用停止, which is received', async ({ page }) => {
  test.setTimeout(180_000) // the teller's steps, then the supervisor's journal
  const c = demoCustomer(40)
  expect(c).toMatchObject({ name: '山崎 太郎', status: '閉塞' })
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await page.getByTestId('start-unlock').click()
  await fillUnlockForm(page, c, { blockAccount: '身に覚えのないログイン通知のあとで閉塞した。', othersMayHaveTried: true, fraudSuspected: true })

  const steer = page.getByTestId('ul-fraud-steer')
  await expect(steer).toContainText('不正利用の疑いがあるため閉塞解除はできません。利用停止の手続きをしてください。')
  await expect(page.getByTestId('na-confirm')).toBeDisabled()
  await expect(page.getByTestId('na-confirm-blocked')).toBeVisible()
  // Answering なし lifts the stop; あり again brings it back.
  await answer(page, 'ul-fraud', false).check()
  await expect(steer).toHaveCount(0)
  await expect(page.getByTestId('na-confirm')).toBeEnabled()
  await answer(page, 'ul-fraud', true).check()
  await expect(page.getByTestId('na-confirm')).toBeDisabled()

  // To the 利用停止 form of the same customer, with 不正利用の疑い ticked.
  await steer.getByTestId('ul-go-suspension').click()
  await expect(page.getByTestId('request-form-fields')).toHaveAttribute('data-kind', 'suspension')
  await expect(page.getByTestId('request-form-title')).toContainText('利用停止')
  await expect(page.getByTestId('rq-from-unlock')).toBeVisible()
  await expect(page.getByTestId('customer-banner')).toContainText(c.name)
  await expect(page.getByTestId('rq-reason-suspected_fraud').locator('input')).toBeChecked()
  await fillFromPaper(page, c)
  const receiptNo = await registerForm(page)
  await expect(received(page)).toContainText('利用停止を受け付けました')
  await expect(page.getByTestId('approve-unlock')).toHaveCount(0)
  // 不正利用の疑い: an urgent stop, in effect at reception (issue 13).
  await expect(page.getByTestId('rq-urgent-done')).toBeVisible()
  await page.getByTestId('na-done').click()
  await expect(customerStatus(page)).toHaveText('利用停止')
  const rows = page.getByTestId('request-row')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('利用停止')
  await expect(rows.first().getByTestId('request-receipt-no')).toHaveText(receiptNo)
  // The refused unlock is on the record with the customer, although no request was sent on.
  const refusal = historyRows(page, 'unlock_refused')
  await expect(refusal).toHaveCount(1)
  await expect(refusal.getByTestId('history-what')).toHaveText('閉塞解除をお断り（不正利用の疑い）')
  await expect(refusal.getByTestId('history-actor')).toContainText('佐藤 美咲')
  await expect(refusal.getByTestId('history-note')).toContainText('身に覚えのないログイン通知のあとで閉塞した。')
  // ... and in the 日次取扱一覧 the supervisor signs.
  await logout(page)
  await login(page, 'super1')
  await page.getByTestId('nav-journal').click()
  await expect(page.getByTestId('journal-refusal').filter({ hasText: c.name })).toContainText('佐藤 美咲')
  await expect(page.getByTestId('journal-count-refusals')).not.toHaveText('不正の疑いでお断り 0件')
})

test('閉塞解除 approved from the supervisor\'s 検印 queue, with the password typed again', async ({ page }) => {
  const c = demoCustomer(30)
  expect(c).toMatchObject({ name: '吉田 太郎', status: 'サービス利用中' })
  await login(page, 'teller2')
  await openDemoCustomer(page, c)
  await recordBlockEvent(page)
  const receiptNo = await receiveUnlock(page, c)
  await page.getByTestId('na-done').click()
  await logout(page)

  await login(page, 'super1')
  await openFromQueue(page, receiptNo, '閉塞解除')
  await expect(page.getByTestId('review-unlock-note')).toBeVisible()
  await expect(page.getByTestId('review-status-to')).toHaveText('サービス利用中')
  await expect(page.getByTestId('application-summary').getByTestId('summary-ul-fraud')).toHaveText('なし')
  await expect(page.getByTestId('approve')).toHaveText('役席認証で承認')
  await page.getByTestId('approve').click()
  const d = saDialog(page)
  await expect(d.getByTestId('sa-login-id').locator('input')).toHaveValue('super1')
  await expect(d.getByTestId('sa-password').locator('input')).toHaveValue('')
  // The password must be typed again.
  await d.getByTestId('sa-approve').click()
  await expect(d.getByTestId('sa-password')).toContainText('パスワードを入力してください')
  await approveInDialog(page, undefined)
  await expect(page.getByTestId('queue-count')).toBeVisible()
  await expect(queueRow(page, receiptNo)).toHaveCount(0)

  await openDemoCustomer(page, c)
  await expect(customerStatus(page)).toHaveText('サービス利用中')
  const approval = historyRows(page, 'request_approved').first()
  await expect(approval.getByTestId('history-actor')).toHaveText('承認（役席認証）：高橋 健一')
  await expect(approval.getByTestId('history-note')).toContainText('端末操作：高橋 健一')
})

test('a repeated unlock within the branch\'s period: the dialog warns and refuses until the supervisor acknowledges', async ({ page }) => {
  const c = demoCustomer(31)
  expect(c).toMatchObject({ name: '山田 京子', status: 'サービス利用中' })

  // The administrator sets the period (支店設定), checked field by field.
  await login(page, 'admin1')
  const days = page.getByTestId('settings-unlock-days').locator('input')
  await expect(days).toHaveValue('30')
  await days.fill('0')
  await page.getByTestId('settings-save').click()
  await expect(page.getByTestId('settings-unlock-days')).toContainText('日数は1日以上にしてください')
  await days.fill('４５')
  await page.getByTestId('settings-save').click()
  await expect(page.getByTestId('notify-message')).toContainText('支店設定を保存しました')
  await page.reload()
  await expect(days).toHaveValue('45')
  // What the forms print about the institution, checked field by field too.
  const domains = page.getByTestId('settings-mail-domains')
  await domains.locator('input').fill('@otp-auth.net, メール')
  await page.getByTestId('settings-institution-name').locator('input').fill('みなと信用組合')
  await page.getByTestId('settings-save').click()
  await expect(domains).toContainText('受信許可ドメインは「@example.co.jp」の形で入力してください')
  await domains.locator('input').fill('@otp-auth.net, minato-shinkumi.co.jp')
  await page.getByTestId('settings-save').click()
  await expect(page.getByTestId('notify-message')).toContainText('金融機関名：みなと信用組合')
  await page.reload()
  await expect(domains.locator('input')).toHaveValue('@otp-auth.net, @minato-shinkumi.co.jp')
  await expect(days).toHaveValue('45')
  await logout(page)

  // A first block and unlock, approved at the counter.
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await recordBlockEvent(page)
  await receiveUnlock(page, c)
  await page.getByTestId('approve-unlock').click()
  await expect(saDialog(page).getByTestId('sa-repeat-warning')).toHaveCount(0)
  await approveInDialog(page, 'super1')
  await page.getByTestId('na-done').click()
  await expect(customerStatus(page)).toHaveText('サービス利用中')

  // Blocked again; the second unlock's approval shows the warning and needs the tick.
  await recordBlockEvent(page)
  await receiveUnlock(page, c)
  await page.getByTestId('approve-unlock').click()
  const d = saDialog(page)
  await expect(d.getByTestId('sa-repeat-warning')).toContainText(/過去45日以内に閉塞解除が1回あります（直近：.+）/)
  await typeCredentials(page, 'super2')
  await d.getByTestId('sa-approve').click()
  await expect(d.getByTestId('sa-error')).toContainText('短期間に繰り返された閉塞解除です')
  await expect(d.getByTestId('sa-ack-repeat')).toContainText('チェックを入れてください')
  await expect(d).toBeVisible()
  await expect(received(page).getByTestId('request-state')).toHaveText('検印待ち')
  await approveInDialog(page, undefined, { acknowledge: true })
  await expect(page.getByTestId('ul-result-status')).toHaveText('サービス利用中')

  await page.getByTestId('na-done').click()
  await expect(historyRows(page, 'request_approved')).toHaveCount(2)
  await expect(historyRows(page, 'request_approved').first().getByTestId('history-actor')).toHaveText('承認（役席認証）：伊藤 由美')
})

test('only another supervisor\'s credentials approve: a teller\'s are refused (NOT_A_SUPERVISOR), and so are the receiving supervisor\'s', async ({ page }) => {
  const c = demoCustomer(32)
  expect(c).toMatchObject({ name: '佐々木 蓮', status: 'サービス利用中' })
  await login(page, 'teller2')
  await openDemoCustomer(page, c)
  await recordBlockEvent(page)
  await receiveUnlock(page, c)
  await page.getByTestId('approve-unlock').click()
  const d = saDialog(page)
  for (const who of ['teller2', 'teller1']) {
    await typeCredentials(page, who)
    await d.getByTestId('sa-approve').click()
    await expect(d.getByTestId('sa-error')).toHaveText('入力された職員IDは役席ではないため、承認・差戻しできません。役席の方が自分の職員IDとパスワードを入力してください。')
    await expect(d.getByTestId('sa-password').locator('input')).toHaveValue('')
  }
  await d.getByTestId('sa-cancel').click()
  await expect(received(page).getByTestId('request-state')).toHaveText('検印待ち')
  await page.getByTestId('na-done').click()
  await expect(customerStatus(page)).toHaveText('閉塞')
  // Withdrawn, to be received again by a supervisor.
  await page.getByTestId('open-request-link').click()
  await page.getByTestId('withdraw').click()
  await page.getByTestId('withdraw-reason').locator('textarea').first().fill('役席が受け付け直します。')
  await page.getByTestId('withdraw-submit').click()
  await expect(page.getByTestId('notify-message')).toContainText('取り消しました')
  await logout(page)

  // A supervisor who received it cannot approve it with their own credentials; another can.
  await login(page, 'super2')
  await openDemoCustomer(page, c)
  await receiveUnlock(page, c)
  await page.getByTestId('approve-unlock').click()
  await typeCredentials(page, 'super2')
  await d.getByTestId('sa-approve').click()
  await expect(d.getByTestId('sa-error')).toHaveText('自分が受け付けた閉塞解除は承認・差戻しできません。')
  await expect(d.getByTestId('sa-password').locator('input')).toHaveValue('')
  await approveInDialog(page, 'super1')
  await expect(page.getByTestId('ul-result-status')).toHaveText('サービス利用中')
})
