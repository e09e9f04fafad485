import { describe, expect, it } from 'vitest'
import {
  countJournalRows,
  DAILY_JOURNAL_TITLE,
  dailyJournalDefinition,
  EMPTY_DAY_MESSAGE,
  unlockWarningText,
} from '../../../forms/dailyJournal'
import { JP_FONT_FAMILY } from '../../../forms/fonts'
import type { DailyJournalRow } from '../../../forms/types'
import { expectNoClock, fontsUsed, footerText, plainText, printed } from './definition-text'
import { emptyJournal, journalOfRows, journalRow, sampleJournal, worstCaseJournal } from './daily-journal.fixtures'

/** The rows of the journal's table (the table with a 受付番号 header), as printed text per cell. */
function tableRows(def: ReturnType<typeof dailyJournalDefinition>): string[][] {
  const content = def.content as { table?: { body: unknown[][]; headerRows?: number } }[]
  const table = content.find((c) => c.table?.body[0] && plainText(c.table.body[0][0]) === '受付番号')!.table!
  return table.body.map((row) => row.map(plainText))
}

describe('countJournalRows', () => {
  it('counts by state and by kind, with the total', () => {
    const rows = [journalRow(0), journalRow(4), journalRow(6), journalRow(10), journalRow(12), journalRow(16)]
    // States: 0 approved, 4 pending, 6 returned, 10 withdrawn, 12 approved, 16 approved.
    // Kinds: 0 new, 4 unlock, 6 new, 10 unlock, 12 new, 16 unlock.
    expect(countJournalRows(rows)).toEqual({
      byState: { pending_review: 1, approved: 3, returned: 1, withdrawn: 1, superseded: 0 },
      byKind: { new_application: 3, suspension: 0, resumption: 0, cancellation: 0, unlock: 3, restriction_release: 0 },
      total: 6,
    })
  })

  it('gives zeros for an empty day, and the counts always add up to the total', () => {
    expect(countJournalRows([])).toEqual({
      byState: { pending_review: 0, approved: 0, returned: 0, withdrawn: 0, superseded: 0 },
      byKind: { new_application: 0, suspension: 0, resumption: 0, cancellation: 0, unlock: 0, restriction_release: 0 },
      total: 0,
    })
    const c = countJournalRows(journalOfRows(60).rows)
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0)
    expect(c.total).toBe(60)
    expect(sum(c.byState)).toBe(60)
    expect(sum(c.byKind)).toBe(60)
  })
})

describe('unlockWarningText', () => {
  it('words each kind of warning in plain Japanese', () => {
    expect(unlockWarningText({ kind: 'repeat', receiptNo: '001-20261121-0005', customerName: '田中 健太', count: 2, days: 30, acknowledged: true })).toBe(
      '受付番号 001-20261121-0005　田中 健太：30日以内に2回目の閉塞解除（役席確認済）',
    )
    expect(unlockWarningText({ kind: 'repeat', receiptNo: 'X', customerName: 'A', count: 3, days: 14, acknowledged: null })).toContain(
      '14日以内に3回目の閉塞解除（役席未確認）',
    )
    expect(unlockWarningText({ kind: 'undecided', receiptNo: 'X', customerName: 'A' })).toBe('受付番号 X　A：閉塞解除が検印待ちのままです')
    expect(unlockWarningText({ kind: 'not_approved', receiptNo: 'X', customerName: 'A', state: 'returned', reason: '書類不備' })).toBe(
      '受付番号 X　A：閉塞解除を差戻し（理由：書類不備）',
    )
    expect(unlockWarningText({ kind: 'not_approved', receiptNo: 'X', customerName: 'A', state: 'withdrawn', reason: null })).toBe(
      '受付番号 X　A：閉塞解除を取消（理由：記載なし）',
    )
    // 04:20 UTC is 13:20 in Japan.
    expect(unlockWarningText({ kind: 'fraud_refused', at: '2026-11-21T04:20:00.000Z', customerName: '鈴木 一郎', actorName: '窓口 花子' })).toBe(
      '13:20　鈴木 一郎：不正利用の疑いにより受付拒否（対応職員：窓口 花子）',
    )
    const resubmitted = { kind: 'fraud_refused', at: '2026-11-21T04:20:00.000Z', customerName: 'A', actorName: 'B', receiptNo: 'X' } as const
    expect(unlockWarningText({ ...resubmitted, stage: 'resubmission' })).toBe('13:20　受付番号 X　A：不正利用の疑いにより再提出を拒否（対応職員：B）')
    expect(unlockWarningText({ ...resubmitted, stage: 'approval' })).toBe('13:20　受付番号 X　A：不正利用の疑いにより承認を拒否（対応職員：B）')
  })
})

describe('dailyJournalDefinition', () => {
  it('prints the title, branch, date, author and the as-of note', () => {
    const text = printed(dailyJournalDefinition(sampleJournal()))
    expect(text).toContain(DAILY_JOURNAL_TITLE)
    expect(DAILY_JOURNAL_TITLE).toBe('ワンタイムパスワード　日次取扱一覧')
    expect(text).toContain('本店営業部（店番 001）')
    expect(text).toContain('取扱日\n令和8年11月21日（2026年11月21日）')
    // 09:02:11 UTC is 18:02:11 in Japan.
    expect(text).toContain('作成日時・作成者\n2026/11/21 18:02:11　検印 一郎')
    expect(text).toContain('各依頼の状態・件数は作成日時現在のものです')
  })

  it('prints the counts by state and kind computed from the rows', () => {
    const text = printed(dailyJournalDefinition(sampleJournal()))
    // 8 rows: row 4 検印待ち, row 6 差戻し, the rest approved; kinds in turn.
    expect(text).toContain('状態別\n検印待ち\n承認済\n差戻し\n取消\n失効\n合計\n\n1件\n6件\n1件\n0件\n0件\n8件')
    expect(text).toContain('種類別\n新規申込\n利用停止\n利用再開／\nトークン再発行\nご利用解除\n閉塞解除\n発行規制解除\n合計\n\n2件\n2件\n1件\n1件\n1件\n1件\n8件')
  })

  it('counts what happened on the way (issue 13): returns, resubmissions, withdrawals, supersessions, urgent stops, fraud refusals', () => {
    const progress = { returns: 2, resubmissions: 1, withdrawals: 1, supersessions: 1, urgentStops: 1, fraudRefusals: 3 }
    const text = printed(dailyJournalDefinition({ ...sampleJournal(), progress }))
    expect(text).toContain('経過\n差戻し\n再提出\n取消\n失効\n（緊急停止）\n緊急停止\n不正の疑い\nでお断り\n\n2件\n1件\n1件\n1件\n1件\n3件')
    const flagged = sampleJournal()
    flagged.rows[4] = { ...flagged.rows[4]!, flags: ['他の人がコードを入力した可能性あり'] }
    expect(tableRows(dailyJournalDefinition(flagged))[5]![8]).toBe('⚠他の人がコードを入力した可能性あり')
    expect(unlockWarningText({ kind: 'others_tried', receiptNo: 'X', customerName: 'A', state: 'approved' })).toBe(
      '受付番号 X　A：他の人がコードを入力した可能性「あり」の閉塞解除（承認）',
    )
  })

  it('lists the rows in the given order with time, kind, name, full account, staff and state', () => {
    const rows = tableRows(dailyJournalDefinition(sampleJournal()))
    expect(rows[0]).toEqual(['受付番号', '受付時刻', '種類', 'お名前', '口座', '受付者', '検印者', '状態', '備考'])
    expect(rows).toHaveLength(9)
    expect(rows.slice(1).map((r) => r[0])).toEqual(sampleJournal().rows.map((r) => r.receiptNo))
    expect(rows[1]).toEqual(['001-20261121-0001', '09:05', '新規申込', 'ヤマダ タロウ\n山田 太郎', '001 普通 1000001', '窓口 花子', '検印 一郎\n09:25', '承認', ''])
    expect(rows[5]).toEqual(['001-20261121-0005', '09:33', '閉塞解除', 'タナカ ケンタ\n田中 健太', '001 普通 1000549', '窓口 花子', '', '検印待ち', ''])
    expect(rows[7]![8]).toBe('差戻し：口座番号の記載誤り')
  })

  it('repeats the table header on every page and keeps rows whole', () => {
    const def = dailyJournalDefinition(journalOfRows(60))
    const content = def.content as { table?: { headerRows?: number; dontBreakRows?: boolean; body: unknown[][] } }[]
    const table = content.find((c) => c.table && c.table.body.length === 61)!.table!
    expect(table.headerRows).toBe(1)
    expect(table.dontBreakRows).toBe(true)
  })

  it('shows the date of an approval made on a later day', () => {
    const rows = tableRows(dailyJournalDefinition(worstCaseJournal()))
    expect(rows[58]![6]).toBe('検印 一郎\n01/04 09:10')
  })

  it('lists the 閉塞解除 warnings, or 該当なし', () => {
    const text = printed(dailyJournalDefinition(sampleJournal()))
    expect(text).toContain('閉塞解除の注意事項')
    expect(text).toContain('閉塞解除の注意\n4件（一覧の後に記載）')
    expect(text).toContain('30日以内に2回目の閉塞解除（役席確認済）')
    expect(text).toContain('閉塞解除が検印待ちのままです')
    expect(text).toContain('閉塞解除を差戻し（理由：本人確認書類の記載内容と申出人が一致しない）')
    expect(text).toContain('不正利用の疑いにより受付拒否')
    const none = printed(dailyJournalDefinition(journalOfRows(3)))
    expect(none).toContain('閉塞解除の注意事項\n該当なし')
    expect(none).toContain('閉塞解除の注意\nなし')
  })

  it('says so on an empty day, with zero counts and still the sign-off boxes', () => {
    const def = dailyJournalDefinition(emptyJournal())
    const text = printed(def)
    expect(text).toContain(EMPTY_DAY_MESSAGE)
    expect(EMPTY_DAY_MESSAGE).toBe('この日の取扱いはありません。')
    expect(text).toContain('0件\n0件\n0件\n0件\n0件')
    expect(text).toContain('作成者\n役席検印\n支店長')
    expect(printed(dailyJournalDefinition(sampleJournal()))).not.toContain(EMPTY_DAY_MESSAGE)
  })

  it('ends with the empty 作成者 / 役席検印 / 支店長 boxes', () => {
    const text = printed(dailyJournalDefinition(sampleJournal()))
    expect(text).toContain('作成者\n役席検印\n支店長\n\n\n\n')
  })

  it('numbers the pages 「n / N ページ」 in the footer, with the date and author', () => {
    const def = dailyJournalDefinition(worstCaseJournal())
    expect(footerText(def, 3, 8)).toContain('3 / 8 ページ')
    expect(footerText(def, 3, 8)).toContain('取扱日 令和8年12月31日（2026年12月31日）　作成日時 2027/01/04 09:30:00　長谷川 美由紀子')
    expect(footerText(def, 3, 8)).toContain('東京みなとみらい信用組合　東京都中央区日本橋室町三丁目特別出張所（店番 999）')
  })

  it('says 再発行 with the count only on a reprint', () => {
    // 「トークン再発行」 is a kind label; the reprint mark is 「再発行（N回目）」.
    expect(JSON.stringify(dailyJournalDefinition(sampleJournal()))).not.toMatch(/再発行（|再発行 \d/)
    const def = dailyJournalDefinition(sampleJournal({ reprint: { count: 3 } }))
    expect(printed(def)).toContain('再発行（3回目）')
    expect(def.info?.title).toContain('再発行 3回目')
  })

  it('is A4 landscape in the Japanese font, dated when generated', () => {
    const def = dailyJournalDefinition(worstCaseJournal())
    expect(def.pageSize).toBe('A4')
    expect(def.pageOrientation).toBe('landscape')
    expect([...fontsUsed(def)]).toEqual([JP_FONT_FAMILY])
    expect(def.info?.creationDate?.toISOString()).toBe('2027-01-04T00:30:00.000Z')
    expect(def.info?.title).toContain('日次取扱一覧')
  })

  it('is a pure function of its data (no clock), and leaves the rows untouched', () => {
    const data = worstCaseJournal()
    const rows: DailyJournalRow[] = structuredClone(data.rows)
    expectNoClock(() => dailyJournalDefinition(data))
    expect(data.rows).toEqual(rows)
  })
})
