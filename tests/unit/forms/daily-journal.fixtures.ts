// Sample input for the 日次取扱一覧, shared by the unit test, the PDF integration test and the bench.

import type { DailyJournalData, DailyJournalRow, UnlockWarning } from '../../../forms/types'
import { REQUEST_KINDS, type RequestState } from '../../../shared/status'

const CUSTOMERS = [
  ['山田 太郎', 'ヤマダ タロウ'],
  ['佐藤 花子', 'サトウ ハナコ'],
  ['鈴木 一郎', 'スズキ イチロウ'],
  ['高橋 美咲', 'タカハシ ミサキ'],
  ['田中 健太', 'タナカ ケンタ'],
  ['渡辺 由美', 'ワタナベ ユミ'],
  ['伊藤 翔', 'イトウ ショウ'],
] as const
const TELLERS = ['窓口 花子', '窓口 次郎'] as const

/** Row `i` of a generated day (0-based): received from 9:05 Japan time every 7 minutes, kinds in
 * turn; every 5th still 検印待ち, every 7th 差戻し, every 11th 取消, the others approved 20 minutes later. */
export function journalRow(i: number, businessDate = '2026-11-21'): DailyJournalRow {
  const [name, kana] = CUSTOMERS[i % CUSTOMERS.length]!
  const receivedAt = new Date(Date.parse(`${businessDate}T09:05:00+09:00`) + i * 7 * 60_000)
  const state: RequestState = i % 5 === 4 ? 'pending_review' : i % 7 === 6 ? 'returned' : i % 11 === 10 ? 'withdrawn' : 'approved'
  const approved = state === 'approved'
  return {
    receiptNo: `001-${businessDate.replace(/-/g, '')}-${String(i + 1).padStart(4, '0')}`,
    receivedAt: receivedAt.toISOString(),
    requestKind: REQUEST_KINDS[i % REQUEST_KINDS.length]!,
    state,
    customerName: name,
    customerKana: kana,
    accountBranchCode: '001',
    accountTypeLabel: i % 3 === 2 ? '当座' : '普通',
    accountNumber: String(1000001 + i * 137).padStart(7, '0'),
    receivedByName: TELLERS[i % 2]!,
    reviewedByName: approved ? '検印 一郎' : null,
    reviewedAt: approved ? new Date(receivedAt.getTime() + 20 * 60_000).toISOString() : null,
    note: state === 'returned' ? '差戻し：口座番号の記載誤り' : state === 'withdrawn' ? '取消：お客さまの申出による' : null,
  }
}

export const SAMPLE_WARNINGS: UnlockWarning[] = [
  { kind: 'repeat', receiptNo: '001-20261121-0005', customerName: '田中 健太', count: 2, days: 30, acknowledged: true },
  { kind: 'undecided', receiptNo: '001-20261121-0011', customerName: '山田 太郎' },
  { kind: 'not_approved', receiptNo: '001-20261121-0017', customerName: '佐藤 花子', state: 'returned', reason: '本人確認書類の記載内容と申出人が一致しない' },
  { kind: 'fraud_refused', at: '2026-11-21T04:20:00.000Z', customerName: '鈴木 一郎', actorName: '窓口 花子' },
]

/** A day of `n` generated rows at the 本店営業部. */
export function journalOfRows(n: number, overrides: Partial<DailyJournalData> = {}): DailyJournalData {
  return {
    branch: { code: '001', name: '本店営業部' },
    businessDate: '2026-11-21',
    rows: Array.from({ length: n }, (_, i) => journalRow(i)),
    unlockWarnings: [],
    generatedAt: '2026-11-21T09:02:11.000Z',
    generatedByName: '検印 一郎',
    reprint: null,
    ...overrides,
  }
}

/** A typical day: 8 requests of every kind and state, and one warning of each kind. */
export function sampleJournal(overrides: Partial<DailyJournalData> = {}): DailyJournalData {
  return journalOfRows(8, { unlockWarnings: SAMPLE_WARNINGS.map((w) => ({ ...w })), ...overrides })
}

export function emptyJournal(): DailyJournalData {
  return journalOfRows(0)
}

const LONG_NOTE = '差戻し：' + '依頼書の記載内容と届出内容が一致しないため、お客さまに確認のうえ再提出してください。'.repeat(5).slice(0, 196)

/** A busy day at the longest branch name: 60 requests, long names and notes, many warnings,
 * approvals running past midnight, on the 12th reprint. */
export function worstCaseJournal(): DailyJournalData {
  const rows = Array.from({ length: 60 }, (_, i) => {
    const r = journalRow(i, '2026-12-31')
    if (i % 9 === 0) Object.assign(r, { customerName: '勅使河原 右京之介左衛門三郎兵衛', customerKana: 'テシガワラ ウキョウノスケサエモンサブロウベエ' })
    if (r.state === 'returned') r.note = LONG_NOTE
    if (i === 0) r.receivedByName = '長谷川 美由紀子'
    // Approved after the holidays: the 検印者 column shows the date too.
    if (i === 57) r.reviewedAt = '2027-01-04T00:10:00.000Z'
    return r
  })
  const warnings: UnlockWarning[] = [
    ...Array.from({ length: 4 }, (_, i): UnlockWarning => ({
      kind: 'repeat',
      receiptNo: `001-20261231-${String(i + 1).padStart(4, '0')}`,
      customerName: '勅使河原 右京之介左衛門三郎兵衛',
      count: 3 + i,
      days: 366,
      acknowledged: i % 2 === 0 ? true : null,
    })),
    { kind: 'undecided', receiptNo: '001-20261231-0011', customerName: '山田 太郎' },
    { kind: 'not_approved', receiptNo: '001-20261231-0017', customerName: '佐藤 花子', state: 'withdrawn', reason: LONG_NOTE.slice(4) },
    { kind: 'not_approved', receiptNo: '001-20261231-0023', customerName: '佐藤 花子', state: 'returned', reason: null },
    { kind: 'fraud_refused', at: '2026-12-31T14:59:00.000Z', customerName: '勅使河原 右京之介左衛門三郎兵衛', actorName: '長谷川 美由紀子' },
  ]
  return journalOfRows(0, {
    branch: { code: '999', name: '東京都中央区日本橋室町三丁目特別出張所' },
    institutionName: '東京みなとみらい信用組合',
    branchPhone: '03-1234-5678',
    businessDate: '2026-12-31',
    rows,
    unlockWarnings: warnings,
    generatedAt: '2027-01-04T00:30:00.000Z',
    generatedByName: '長谷川 美由紀子',
    reprint: { count: 12 },
  })
}
