// Every paper request from the counter to the supervisor's approval, 差戻し and 再提出, 取消, and the
// events the branch records, through the real renderer and services (HTTP bridge, one fresh demo
// ledger per run). The tests share that ledger, so each uses its own demo customers (and none the
// other specs use: i = 0, 1, 2, 46).
import { expect, test, type Locator, type Page } from '@playwright/test'
import { downloadShell, openPreview, saveFromPreview } from '../e2e-shared/forms'
import { choose, customerStatus, input, login as loginFromScreen } from '../e2e-shared/journey'
import {
  approveOpenRequest,
  chooseSuspensionReason,
  demoCustomer,
  expectApproved,
  expectOfferedKinds,
  fillFromPaper,
  historyRows,
  logout,
  openDemoCustomer,
  openFromQueue,
  registerForm,
  returnedRow,
  returnOpenRequest,
  type DemoCustomer,
  type FormKind,
} from '../e2e-shared/requests'

async function login(page: Page, loginId: string): Promise<void> {
  await page.goto('/')
  await loginFromScreen(page, loginId)
}

/** The お客さま控: the button opens its preview, 「PDFを保存」 records it and downloads the PDF. */
async function verifyReceiptPdf(page: Page, button: Locator, receiptNo: string): Promise<void> {
  await openPreview(page, button, receiptNo)
  await saveFromPreview(page, downloadShell, receiptNo)
}

/** A teller receives a request of `kind` for `c` from the counter (the form's fields, confirmation,
 * 受付番号, お客さま控), and the customer's status stays as it was until approval. */
async function receiveAtCounter(page: Page, c: DemoCustomer, kind: FormKind, kindLabel: string, fillKind?: () => Promise<void>): Promise<string> {
  await page.getByTestId(`start-${kind}`).click()
  await expect(page.getByTestId('request-form-fields')).toHaveAttribute('data-kind', kind)
  await expect(page.getByTestId('request-form-title')).toContainText(kindLabel)
  // Name and phone come from the record for comparison; the numbers are typed from the paper.
  await expect(input(page, 'na-name-kanji')).toHaveValue(c.name)
  await expect(input(page, 'na-account-number')).toHaveValue('')
  await expect(input(page, 'na-ib-contract-id')).toHaveValue('')
  // Only 新規申込 asks for the date of birth and the address.
  await expect(page.getByTestId('na-birth')).toHaveCount(kind === 'new_application' ? 1 : 0)
  await expect(page.getByTestId('na-address')).toHaveCount(kind === 'new_application' ? 1 : 0)
  await expect(page.getByTestId('rq-reason')).toHaveCount(kind === 'suspension' ? 1 : 0)
  await expect(page.locator('input[type="password"]')).toHaveCount(0)

  await fillFromPaper(page, c)
  await fillKind?.()
  const receiptNo = await registerForm(page)
  const received = page.getByTestId('application-received')
  await expect(received).toContainText(`${kindLabel}を受け付けました`)
  await expect(received.getByTestId('status-chip')).toHaveText(c.status)
  await expect(received.getByTestId('request-state')).toHaveText('検印待ち')
  await verifyReceiptPdf(page, received.getByTestId('print-receipt'), receiptNo)

  await page.getByTestId('na-done').click()
  await expect(customerStatus(page)).toHaveText(c.status)
  await expect(page.getByTestId('request-row').first().getByTestId('request-state')).toHaveText('検印待ち')
  await expect(page.getByTestId('open-request-note')).toContainText(receiptNo)
  return receiptNo
}

test('利用停止: a teller receives it with the reason from the paper; a supervisor approves; the customer is 利用停止', async ({ page }) => {
  test.setTimeout(150_000) // two staff, a receipt PDF and the approval: over a minute on a loaded machine
  const c = demoCustomer(25) // 田中 恵美, サービス利用中
  expect(c).toMatchObject({ name: '田中 恵美', status: 'サービス利用中' })
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await expect(customerStatus(page)).toHaveText('サービス利用中')
  await expectOfferedKinds(page, ['suspension', 'cancellation'])

  const receiptNo = await receiveAtCounter(page, c, 'suspension', '利用停止', async () => {
    // The reason is required; その他 needs the words.
    await page.getByTestId('na-confirm').click()
    await expect(page.getByTestId('rq-reason')).toContainText('利用停止の理由を選択してください')
    await expect(page.getByTestId('na-register-dialog')).toHaveCount(0)
    await chooseSuspensionReason(page, 'その他')
    await expect(page.getByTestId('rq-reason-text')).toContainText('「その他」の場合は理由を入力してください')
    // Enter in a field moves on and never submits.
    await input(page, 'rq-reason-text').press('Enter')
    await expect(page.getByTestId('na-register-dialog')).toHaveCount(0)
    // 故障: an ordinary stop, applied at approval (紛失・盗難 stops at once: branch-work.spec.ts).
    await chooseSuspensionReason(page, '故障')
    await expect(page.getByTestId('rq-reason-text')).toHaveCount(0)
    await expect(page.getByTestId('rq-urgent-note')).toHaveCount(0)
    await page.getByTestId('na-confirm').click()
    await expect(page.getByTestId('na-register-dialog').getByTestId('summary-reason')).toHaveText('故障')
    await expect(page.getByTestId('na-register-dialog').getByTestId('na-result-status')).toHaveText('利用停止')
    await page.getByTestId('na-register-cancel').click()
  })
  await logout(page)

  await login(page, 'super1')
  await openFromQueue(page, receiptNo, '利用停止')
  await expect(page.getByTestId('review-status-from')).toHaveText('サービス利用中')
  await expect(page.getByTestId('review-status-to')).toHaveText('利用停止')
  await expect(page.getByTestId('application-summary').getByTestId('summary-reason')).toHaveText('故障')
  await expect(page.getByTestId('application-summary').getByTestId('summary-account')).toContainText(c.account)
  await approveOpenRequest(page, receiptNo)
  await expectApproved(page, c, { kindLabel: '利用停止', from: 'サービス利用中', to: '利用停止', supervisor: '高橋 健一' })
  await expectOfferedKinds(page, ['resumption', 'cancellation'])
})

test('利用再開: a 利用停止 customer is received and approved back to 発行待ち', async ({ page }) => {
  const c = demoCustomer(41) // 森 京子, 利用停止
  expect(c).toMatchObject({ name: '森 京子', status: '利用停止' })
  await login(page, 'teller2')
  await openDemoCustomer(page, c)
  await expectOfferedKinds(page, ['resumption', 'cancellation'])
  const receiptNo = await receiveAtCounter(page, c, 'resumption', '利用再開／トークン再発行')
  await logout(page)

  await login(page, 'super2')
  await openFromQueue(page, receiptNo, '利用再開／トークン再発行')
  await approveOpenRequest(page, receiptNo)
  await expectApproved(page, c, { kindLabel: '利用再開／トークン再発行', from: '利用停止', to: '発行待ち', supervisor: '伊藤 由美' })
  await expectOfferedKinds(page, ['suspension', 'cancellation'])
})

test('ご利用解除: approved to 解除済; 新規申込 is then held back until the next day', async ({ page }) => {
  const c = demoCustomer(26) // 山本 大輔, サービス利用中
  expect(c).toMatchObject({ name: '山本 大輔', status: 'サービス利用中' })
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  const receiptNo = await receiveAtCounter(page, c, 'cancellation', 'ご利用解除')
  await logout(page)

  await login(page, 'super2')
  await openFromQueue(page, receiptNo, 'ご利用解除')
  await approveOpenRequest(page, receiptNo)
  await expectApproved(page, c, { kindLabel: 'ご利用解除', from: 'サービス利用中', to: '解除済', supervisor: '伊藤 由美' })
  await expectOfferedKinds(page, [])
  await expect(page.getByTestId('blocked-request-note')).toContainText('以降に受け付けできます')
})

test('発行規制解除: a 発行規制 customer is received and approved back to 発行待ち', async ({ page }) => {
  const c = demoCustomer(44) // 阿部 直樹, 発行規制
  expect(c).toMatchObject({ name: '阿部 直樹', status: '発行規制' })
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  await expectOfferedKinds(page, ['cancellation', 'restriction_release'])
  await expect(page.getByTestId('event-record')).toBeDisabled()
  const receiptNo = await receiveAtCounter(page, c, 'restriction_release', '発行規制解除')
  await logout(page)

  await login(page, 'super1')
  await openFromQueue(page, receiptNo, '発行規制解除')
  await approveOpenRequest(page, receiptNo)
  await expectApproved(page, c, { kindLabel: '発行規制解除', from: '発行規制', to: '発行待ち', supervisor: '高橋 健一' })
})

test('差戻し round trip: returned with a reason, corrected from 差戻し一覧, resubmitted and approved', async ({ page }) => {
  const c = demoCustomer(37) // 林 花子, 閉塞
  expect(c).toMatchObject({ name: '林 花子', status: '閉塞' })
  const reason = '依頼書の理由欄は「閉塞」に印があります。理由を直してください。'

  await login(page, 'teller2')
  await openDemoCustomer(page, c)
  await expectOfferedKinds(page, ['suspension', 'cancellation', 'unlock'])
  const receiptNo = await receiveAtCounter(page, c, 'suspension', '利用停止', () => chooseSuspensionReason(page, '故障'))
  await logout(page)

  await login(page, 'super1')
  await openFromQueue(page, receiptNo, '利用停止')
  await expect(page.getByTestId('application-summary').getByTestId('summary-reason')).toHaveText('故障')
  await returnOpenRequest(page, receiptNo, reason)
  await logout(page)

  // The teller sees it in 差戻し一覧 (with a count in the menu) and the reason.
  await login(page, 'teller2')
  await expect(page.getByTestId('nav-returned-count')).toContainText('1')
  await page.getByTestId('nav-returned').click()
  const row = returnedRow(page, receiptNo)
  await expect(row).toContainText(c.name)
  await expect(row).toContainText('利用停止')
  await expect(row.getByTestId('returned-reason')).toHaveText(reason)
  await row.click()

  // The same form, as typed, with the reason on top; the status has not changed.
  await expect(page.getByTestId('returned-reason')).toHaveText(reason)
  await expect(page.getByTestId('banner-status')).toHaveText('閉塞')
  await expect(input(page, 'na-account-number')).toHaveValue(c.account)
  await expect(input(page, 'na-ib-contract-id')).toHaveValue(c.ib)
  await expect(page.getByTestId('rq-reason-broken').locator('input')).toBeChecked()
  await chooseSuspensionReason(page, '閉塞')
  await page.getByTestId('resubmit').click()
  await expect(page.getByTestId('resubmit-confirm-dialog').getByTestId('summary-reason')).toHaveText('閉塞')
  await page.getByTestId('resubmit-confirm-ok').click()
  await expect(page.getByTestId('notify-message')).toContainText('再提出しました')
  await expect(page.getByTestId('returned-empty')).toBeVisible()
  await expect(page.getByTestId('nav-returned-count')).toHaveCount(0)
  await logout(page)

  await login(page, 'super2')
  await page.getByTestId('nav-review').click()
  await expect(page.locator(`[data-testid="queue-row"][data-receipt-no="${receiptNo}"]`).getByTestId('queue-resubmitted')).toHaveText('再提出')
  await openFromQueue(page, receiptNo, '利用停止')
  await expect(page.getByTestId('application-summary').getByTestId('summary-reason')).toHaveText('閉塞')
  await approveOpenRequest(page, receiptNo)
  await expectApproved(page, c, { kindLabel: '利用停止', from: '閉塞', to: '利用停止', supervisor: '伊藤 由美' })
  // The whole story in the history: 受付, 差戻し (with the reason), 再提出, 承認.
  const returned = historyRows(page, 'request_returned')
  await expect(returned).toHaveCount(1)
  await expect(returned.getByTestId('history-what')).toHaveText('利用停止を差戻し')
  await expect(returned.getByTestId('history-note')).toHaveText(`差戻し理由：${reason}`)
  await expect(returned.getByTestId('history-actor')).toContainText('高橋 健一')
  await expect(historyRows(page, 'request_resubmitted').getByTestId('history-what')).toHaveText('利用停止を再提出（検印待ち）')
  await expect(historyRows(page, 'request_resubmitted').getByTestId('history-actor')).toContainText('鈴木 翔太')
})

test('取消: a returned request is withdrawn by its teller with a reason; the status does not change', async ({ page }) => {
  const c = demoCustomer(42) // 池田 蓮, 利用停止
  expect(c).toMatchObject({ name: '池田 蓮', status: '利用停止' })
  await login(page, 'teller1')
  await openDemoCustomer(page, c)
  const receiptNo = await receiveAtCounter(page, c, 'cancellation', 'ご利用解除')
  await logout(page)

  await login(page, 'super2')
  await openFromQueue(page, receiptNo, 'ご利用解除')
  await returnOpenRequest(page, receiptNo, 'ご本人の解除意思を電話で確認してください。')
  await logout(page)

  await login(page, 'teller1')
  await page.getByTestId('nav-returned').click()
  await returnedRow(page, receiptNo).click()
  await page.getByTestId('withdraw').click()
  await page.getByTestId('withdraw-submit').click()
  await expect(page.getByTestId('withdraw-reason')).toContainText('取消の理由を入力してください')
  await page.getByTestId('withdraw-reason').locator('textarea').first().fill('お客さまが解除を取りやめました。')
  await page.getByTestId('withdraw-submit').click()
  await expect(page.getByTestId('notify-message')).toContainText('取り消しました')

  // Back on the customer: still 利用停止, the request 取消, the history says why; requests again.
  await expect(customerStatus(page)).toHaveText('利用停止')
  await expect(page.getByTestId('request-row').first().getByTestId('request-state')).toHaveText('取消')
  const withdrawn = historyRows(page, 'request_withdrawn')
  await expect(withdrawn.getByTestId('history-what')).toHaveText('ご利用解除を取消')
  await expect(withdrawn.getByTestId('history-note')).toHaveText('取消理由：お客さまが解除を取りやめました。')
  await expect(page.getByTestId('open-request-note')).toHaveCount(0)
  await expect(page.getByTestId('start-resumption')).toBeEnabled()
  await page.getByTestId('nav-returned').click()
  await expect(returnedRow(page, receiptNo)).toHaveCount(0)
})

test('a supervisor cannot check a request they received, and withdraws it while it waits for 検印', async ({ page }) => {
  const c = demoCustomer(43) // 橋本 優子, 利用停止
  expect(c).toMatchObject({ name: '橋本 優子', status: '利用停止' })
  await login(page, 'super1')
  await openDemoCustomer(page, c)
  const receiptNo = await receiveAtCounter(page, c, 'resumption', '利用再開／トークン再発行')

  await openFromQueue(page, receiptNo, '利用再開／トークン再発行')
  await expect(page.getByTestId('review-own')).toBeVisible()
  await expect(page.getByTestId('approve')).toBeDisabled()
  await expect(page.getByTestId('return-request')).toBeDisabled()

  await openDemoCustomer(page, c)
  await page.getByTestId('open-request-link').click()
  await expect(page.getByTestId('rc-pending')).toBeVisible()
  await expect(page.getByTestId('rc-receipt-no')).toHaveText(receiptNo)
  await page.getByTestId('withdraw').click()
  await page.getByTestId('withdraw-reason').locator('textarea').first().fill('受付者と検印者を分けるため受け付け直します。')
  await page.getByTestId('withdraw-submit').click()
  await expect(page.getByTestId('notify-message')).toContainText('取り消しました')
  await expect(customerStatus(page)).toHaveText('利用停止')
  await expect(page.getByTestId('request-row').first().getByTestId('request-state')).toHaveText('取消')
  await page.getByTestId('nav-review').click()
  await expect(page.locator(`[data-testid="queue-row"][data-receipt-no="${receiptNo}"]`)).toHaveCount(0)
})

/** Opens the event dialog on the open customer and records `kind` (its label) from `source`. */
async function recordEvent(page: Page, kindLabel: string, source: string, note?: string): Promise<void> {
  await page.getByTestId('event-record').click()
  await expect(page.getByTestId('event-dialog')).toBeVisible()
  await choose(page, 'event-kind', kindLabel)
  await choose(page, 'event-source', source)
  if (note) await page.getByTestId('event-note').locator('textarea').first().fill(note)
  await page.getByTestId('event-submit').click()
  await expect(page.getByTestId('event-dialog')).toHaveCount(0)
}

test('events: 利用開始 on a トークン発行済 customer, then 閉塞 on a サービス利用中 one; only allowed events are offered', async ({ page }) => {
  const issued = demoCustomer(20) // 石川 花子, トークン発行済
  const inUse = demoCustomer(27) // 中村 花子, サービス利用中
  expect(issued).toMatchObject({ name: '石川 花子', status: 'トークン発行済' })
  expect(inUse).toMatchObject({ name: '中村 花子', status: 'サービス利用中' })

  await login(page, 'teller1')
  await openDemoCustomer(page, issued)
  await page.getByTestId('event-record').click()
  await page.getByTestId('event-kind').click()
  await expect(page.getByRole('option')).toHaveText(['利用開始', '発行規制（発行回数超過）'])
  await page.getByRole('option', { name: '利用開始', exact: true }).click()
  await expect(page.getByTestId('event-to')).toHaveText('サービス利用中')
  // 発生日 defaults to today (Japan time); 情報源 is required.
  await expect(page.getByTestId('event-occurred-on-seireki')).not.toContainText('—')
  await page.getByTestId('event-submit').click()
  await expect(page.getByTestId('event-source')).toContainText('情報源を選択してください')
  await page.getByTestId('event-cancel').click()
  await recordEvent(page, '利用開始', 'お客さまの申出', '窓口でお客さまが利用開始を申告')
  await expect(page.getByTestId('notify-message')).toContainText('「利用開始」を記録しました')
  await expect(customerStatus(page)).toHaveText('サービス利用中')
  const started = historyRows(page, 'event').first()
  await expect(started.getByTestId('history-what')).toHaveText('利用開始を記録')
  await expect(started.getByTestId('history-event')).toContainText('情報源：お客さまの申出')
  await expect(started.getByTestId('history-event')).toContainText('発生日：令和')
  await expect(started.getByTestId('history-note')).toHaveText('備考：窓口でお客さまが利用開始を申告')
  await expect(started.getByTestId('history-from')).toHaveText('トークン発行済')
  await expect(started.getByTestId('history-to')).toHaveText('サービス利用中')
  await expect(started.getByTestId('history-actor')).toContainText('佐藤 美咲')

  await openDemoCustomer(page, inUse)
  await expect(page.getByTestId('allowed-events')).toContainText('閉塞（10回連続誤入力）')
  await recordEvent(page, '閉塞（10回連続誤入力）', 'センターからの連絡')
  await expect(customerStatus(page)).toHaveText('閉塞')
  await expect(page.getByTestId('customer-info')).toContainText('10回')
  const blocked = historyRows(page, 'event').first()
  await expect(blocked.getByTestId('history-what')).toHaveText('閉塞（10回連続誤入力）を記録')
  await expect(blocked.getByTestId('history-event')).toContainText('情報源：センターからの連絡')
  await expect(page.getByTestId('allowed-events')).toContainText('記録できる事象はありません')
  await expect(page.getByTestId('event-record')).toBeDisabled()
  await expectOfferedKinds(page, ['suspension', 'cancellation', 'unlock'])
})

test('two staff at once: an event recorded on a customer another teller just changed is refused in Japanese', async ({ browser }) => {
  const c = demoCustomer(28) // 小林 拓也, サービス利用中
  expect(c).toMatchObject({ name: '小林 拓也', status: 'サービス利用中' })
  const ctxA = await browser.newContext()
  const ctxB = await browser.newContext()
  try {
    const a = await ctxA.newPage()
    const b = await ctxB.newPage()
    await login(a, 'teller1')
    await login(b, 'teller2')
    await openDemoCustomer(a, c)
    await openDemoCustomer(b, c)

    // A opens the dialog on what she sees; meanwhile B records 閉塞.
    await a.getByTestId('event-record').click()
    await choose(a, 'event-kind', '閉塞（10回連続誤入力）')
    await choose(a, 'event-source', 'センターからの連絡')
    await recordEvent(b, '閉塞（10回連続誤入力）', 'センターからの連絡')
    await expect(customerStatus(b)).toHaveText('閉塞')

    // A's screen follows live and warns; sending anyway is refused, and A sees the customer as it is.
    await expect(a.getByTestId('event-changed')).toBeVisible()
    await a.getByTestId('event-submit').click()
    await expect(a.getByTestId('notify-message')).toHaveText('他の職員が先に処理しました。画面を更新して確認してください。')
    await expect(a.getByTestId('event-dialog')).toHaveCount(0)
    await expect(customerStatus(a)).toHaveText('閉塞')
    await expect(historyRows(a, 'event').filter({ hasText: '閉塞（10回連続誤入力）を記録' })).toHaveCount(1)
  } finally {
    await ctxA.close()
    await ctxB.close()
  }
})

test('two supervisors on one request: when one approves, the other screen shows it is no longer waiting', async ({ browser }) => {
  const c = demoCustomer(29) // 加藤 陽菜, サービス利用中 (貯蓄)
  expect(c).toMatchObject({ name: '加藤 陽菜', status: 'サービス利用中' })
  const ctxT = await browser.newContext()
  const ctx1 = await browser.newContext()
  const ctx2 = await browser.newContext()
  try {
    const t = await ctxT.newPage()
    const s1 = await ctx1.newPage()
    const s2 = await ctx2.newPage()
    await login(t, 'teller1')
    await openDemoCustomer(t, c)
    await t.getByTestId('start-suspension').click()
    await fillFromPaper(t, c)
    await expect(input(t, 'na-account-number')).toHaveValue(c.account)
    await chooseSuspensionReason(t, '不正利用の疑い')
    const receiptNo = await registerForm(t)

    await login(s1, 'super1')
    await login(s2, 'super2')
    await openFromQueue(s1, receiptNo, '利用停止')
    await openFromQueue(s2, receiptNo, '利用停止')
    await approveOpenRequest(s1, receiptNo)
    await expect(s2.getByTestId('review-done')).toBeVisible()
    await expect(s2.getByTestId('approve')).toBeDisabled()
    await expect(s2.getByTestId('return-request')).toBeDisabled()
  } finally {
    await ctxT.close()
    await ctx1.close()
    await ctx2.close()
  }
})
