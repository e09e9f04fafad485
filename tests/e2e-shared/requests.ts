// Steps for the paper requests of every kind, 検印 (承認・差戻し), 再提出・取消 and events, shared by
// the browser-preview specs (and usable by the Electron ones). The demo customers are computed
// from the demo seed's formulas (db/seed.ts), not guessed.
import { expect, type Locator, type Page } from '@playwright/test'
import { choose, input, login, logout, openCustomer } from './journey'

// db/seed.ts: the i-th demo customer is FAMILY[i % 25] + GIVEN[(i*7 + floor(i/25)) % 10], account
// 1000001 + 17·i (貯蓄 when i % 10 = 9, else 普通), IB契約者ID 2000000001 + 101·i; statuses by index:
// 0-13 未登録, 14-19 発行待ち, 20-24 トークン発行済, 25-36 サービス利用中, 37-40 閉塞, 41-43 利用停止,
// 44-45 発行規制, 46-49 解除済.
const FAMILY = [
  ['田中', 'タナカ'], ['山本', 'ヤマモト'], ['中村', 'ナカムラ'], ['小林', 'コバヤシ'], ['加藤', 'カトウ'],
  ['吉田', 'ヨシダ'], ['山田', 'ヤマダ'], ['佐々木', 'ササキ'], ['山口', 'ヤマグチ'], ['松本', 'マツモト'],
  ['井上', 'イノウエ'], ['木村', 'キムラ'], ['林', 'ハヤシ'], ['斎藤', 'サイトウ'], ['清水', 'シミズ'],
  ['山崎', 'ヤマザキ'], ['森', 'モリ'], ['池田', 'イケダ'], ['橋本', 'ハシモト'], ['阿部', 'アベ'],
  ['石川', 'イシカワ'], ['前田', 'マエダ'], ['藤田', 'フジタ'], ['後藤', 'ゴトウ'], ['岡田', 'オカダ'],
] as const
const GIVEN = ['花子', '太郎', '優子', '大輔', '陽菜', '蓮', '恵美', '拓也', '京子', '直樹'] as const
const STATUS_BY_INDEX: ReadonlyArray<[number, string]> = [
  [13, '未登録'], [19, '発行待ち'], [24, 'トークン発行済'], [36, 'サービス利用中'],
  [40, '閉塞'], [43, '利用停止'], [45, '発行規制'], [49, '解除済'],
]

export interface DemoCustomer {
  index: number
  name: string
  /** The family name in katakana, to search by. */
  kana: string
  account: string
  ib: string
  /** 登録状況 in the fresh demo ledger. */
  status: string
}

export function demoCustomer(i: number): DemoCustomer {
  const [family, kana] = FAMILY[i % FAMILY.length]!
  const given = GIVEN[(i * 7 + Math.floor(i / FAMILY.length)) % GIVEN.length]!
  return {
    index: i,
    name: `${family} ${given}`,
    kana,
    account: String(1000001 + 17 * i),
    ib: String(2000000001 + 101 * i),
    status: STATUS_BY_INDEX.find(([last]) => i <= last)![1],
  }
}

/** Every request kind with a form, as the customer screen's buttons name them. */
export const FORM_KINDS = ['new_application', 'suspension', 'resumption', 'cancellation', 'restriction_release', 'unlock'] as const
export type FormKind = (typeof FORM_KINDS)[number]

export async function openDemoCustomer(page: Page, c: DemoCustomer): Promise<void> {
  await openCustomer(page, c.kana, c.name)
}

/** Only the allowed kinds are offered on the customer screen. */
export async function expectOfferedKinds(page: Page, offered: readonly FormKind[]): Promise<void> {
  for (const k of FORM_KINDS) await expect(page.getByTestId(`start-${k}`)).toHaveCount(offered.includes(k) ? 1 : 0)
}

/** The part every paper carries that the form leaves to the teller: the numbers typed from the
 * paper, the identity document checked and the registered seal. */
export async function fillFromPaper(page: Page, c: DemoCustomer, document = '運転免許証'): Promise<void> {
  await input(page, 'na-account-number').fill(c.account)
  await input(page, 'na-ib-contract-id').fill(c.ib)
  await choose(page, 'na-id-document', document)
  await input(page, 'na-seal-matched').check()
}

export async function chooseSuspensionReason(page: Page, reason: string): Promise<void> {
  await page.getByTestId('rq-reason').getByLabel(reason, { exact: true }).check()
}

/** Confirms and registers the form on screen; returns the 受付番号 (the result screen stays open). */
export async function registerForm(page: Page): Promise<string> {
  await page.getByTestId('na-confirm').click()
  await expect(page.getByTestId('na-register-dialog')).toBeVisible()
  await page.getByTestId('na-register-ok').click()
  const receiptNo = page.getByTestId('na-receipt-no')
  await expect(receiptNo).toHaveText(/^001-\d{8}-\d{4}$/)
  return (await receiptNo.textContent())!.trim()
}

export const queueRow = (page: Page, receiptNo: string): Locator => page.locator(`[data-testid="queue-row"][data-receipt-no="${receiptNo}"]`)
export const returnedRow = (page: Page, receiptNo: string): Locator =>
  page.locator(`[data-testid="returned-row"][data-receipt-no="${receiptNo}"]`)
export const historyRows = (page: Page, kind: string): Locator => page.locator(`[data-testid="history-row"][data-kind="${kind}"]`)

/** A supervisor opens the request from the 検印待ち queue. */
export async function openFromQueue(page: Page, receiptNo: string, kindLabel: string): Promise<void> {
  await page.getByTestId('nav-review').click()
  const row = queueRow(page, receiptNo)
  await expect(row.getByTestId('queue-kind')).toHaveText(kindLabel)
  await row.click()
  await expect(page.getByTestId('review-receipt-no')).toHaveText(receiptNo)
  await expect(page.getByTestId('review-kind')).toHaveText(kindLabel)
}

/** 検印・承認 of the request open on the review screen. */
export async function approveOpenRequest(page: Page, receiptNo: string): Promise<void> {
  await page.getByTestId('approve').click()
  await page.getByTestId('approve-confirm-ok').click()
  await expect(page.getByTestId('notify-message')).toContainText('検印・承認しました')
  await expect(queueRow(page, receiptNo)).toHaveCount(0)
}

/** 差戻し of the request open on the review screen, with a reason. */
export async function returnOpenRequest(page: Page, receiptNo: string, reason: string): Promise<void> {
  await page.getByTestId('return-request').click()
  await expect(page.getByTestId('return-dialog')).toBeVisible()
  // The reason is required.
  await page.getByTestId('return-submit').click()
  await expect(page.getByTestId('return-reason')).toContainText('差戻しの理由を入力してください')
  await page.getByTestId('return-reason').locator('textarea').first().fill(reason)
  await page.getByTestId('return-submit').click()
  await expect(page.getByTestId('notify-message')).toContainText('差戻ししました')
  await expect(queueRow(page, receiptNo)).toHaveCount(0)
}

/** The customer's status, the approval in the history from which status to which, and who. */
export async function expectApproved(
  page: Page,
  c: DemoCustomer,
  o: { kindLabel: string; from: string; to: string; supervisor: string },
): Promise<void> {
  await openDemoCustomer(page, c)
  await expect(page.getByTestId('customer-info').getByTestId('status-chip')).toHaveText(o.to)
  const row = page.getByTestId('request-row').first()
  await expect(row.getByTestId('request-state')).toHaveText('承認')
  await expect(row).toContainText(o.kindLabel)
  await expect(row).toContainText(o.supervisor)
  const approval = historyRows(page, 'request_approved').first()
  await expect(approval.getByTestId('history-what')).toHaveText(`${o.kindLabel}を検印・承認`)
  await expect(approval.getByTestId('history-from')).toHaveText(o.from)
  await expect(approval.getByTestId('history-to')).toHaveText(o.to)
  await expect(approval.getByTestId('history-actor')).toContainText(o.supervisor)
  const received = historyRows(page, 'request_received').first()
  await expect(received.getByTestId('history-what')).toHaveText(`${o.kindLabel}を受付（検印待ち）`)
}

export { login, logout }
