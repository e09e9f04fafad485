import { describe, expect, it } from 'vitest'
import { JP_FONT_FAMILY } from '../../../forms/fonts'
import {
  BANK_COPY_TAG,
  HANDLING_RECORD_TITLE,
  handlingRecordDefinition,
  repeatUnlockText,
  unlockAnswers,
} from '../../../forms/handlingRecord'
import { REQUEST_KINDS, REQUEST_KIND_LABELS, REQUEST_STATE_LABELS, STATUS_LABELS } from '../../../shared/status'
import { expectNoClock, fontsUsed, footerText, printed } from './definition-text'
import { BLOCK_ACCOUNT, FULL_ACCOUNT_NUMBER, IB_CONTRACT_ID, sampleForm, sampleRecord, worstCaseRecord } from './handling-record.fixtures'

const textOf = (...args: Parameters<typeof sampleRecord>) => printed(handlingRecordDefinition(sampleRecord(...args)))

describe('handlingRecordDefinition', () => {
  it("is the bank's copy: title, tag, and the full account number with the IB契約者ID", () => {
    const text = textOf('unlock')
    expect(text).toContain(HANDLING_RECORD_TITLE)
    expect(HANDLING_RECORD_TITLE).toBe('ワンタイムパスワード　取扱記録票')
    expect(text).toContain(BANK_COPY_TAG)
    expect(text).not.toContain('お客さま控')
    // As written on the paper and as registered.
    expect(text.match(new RegExp(`店番 001　普通　${FULL_ACCOUNT_NUMBER}`, 'g'))).toHaveLength(2)
    expect(text.match(new RegExp(IB_CONTRACT_ID, 'g'))).toHaveLength(2)
    expect(text).not.toContain('***')
  })

  it('prints the request: number, kind, state, reception, branch, status before and after', () => {
    const text = textOf('suspension', { state: 'pending_review', reviewedBy: null })
    expect(text).toContain('001-20261121-0003')
    expect(text).toContain(REQUEST_KIND_LABELS.suspension)
    expect(text).toContain(REQUEST_STATE_LABELS.pending_review)
    expect(text).toContain('令和8年11月21日（2026年11月21日）　10:15:03')
    expect(text).toContain('本店営業部（店番 001）')
    expect(text).toContain(`受付時 ${STATUS_LABELS.awaiting_issue}　→　承認後 ${STATUS_LABELS.suspended}`)
    expect(text.match(/\[QR:[^\]]*\]/g)).toEqual(['[QR:001-20261121-0003]'])
  })

  it('prints the paper form as typed: date, names, phone, and the fields of each kind', () => {
    const common = textOf('cancellation')
    expect(common).toContain('お申込日\n令和8年11月21日（2026年11月21日）')
    expect(common).toContain('山田 太郎')
    expect(common).toContain('ヤマダ タロウ')
    expect(common).toContain('090-1234-5678')
    // No 備考 row without remarks: the only 備考 is the trail's column.
    expect(common.match(/備考/g)).toHaveLength(1)

    const na = textOf('new_application')
    expect(na).toContain('生年月日\n昭和55年4月1日（1980年4月1日）')
    expect(na).toContain('〒100-0001　東京都千代田区千代田1-1')

    expect(textOf('suspension')).toContain('利用停止の理由\n紛失・盗難')
    const other = printed(
      handlingRecordDefinition(
        sampleRecord('suspension', { form: { ...sampleForm('suspension'), kind: 'suspension', reason: 'other', reasonText: '家族の端末に移行するため', remarks: '後日再開予定' } }),
      ),
    )
    expect(other).toContain('その他（家族の端末に移行するため）')
    expect(other).toContain('備考\n後日再開予定')
  })

  it('prints the identity check, its second document, who checked it, and the seal match', () => {
    const text = textOf('resumption', {
      identity: { documentLabel: '健康保険証＋補助書類', secondDocumentLabel: '住民票の写し', checkedByName: '窓口 花子' },
    })
    expect(text).toContain('本人確認書類\n健康保険証＋補助書類（補助書類：住民票の写し）\n確認者\n窓口 花子\n届出印照合\n済')
    expect(textOf('resumption', { sealMatched: false })).toContain('届出印照合\n未照合')
  })

  it('prints every 閉塞解除 answer and the repeat warning, and no such section for other kinds', () => {
    const text = textOf('unlock')
    expect(text).toContain('閉塞解除 確認事項')
    expect(text).toContain('本人確認書類の写真・記載内容が申出人と一致\nはい')
    expect(text).toContain('申出人がご契約者ご本人\nはい')
    expect(text).toContain('他の人がワンタイムパスワードを入力した可能性\nいいえ')
    expect(text).toContain('不正利用の疑い\nいいえ')
    expect(text).toContain(`閉塞に至った経緯（お客さまの申出）\n\n\n\n${BLOCK_ACCOUNT}`)
    expect(text).toContain('過去30日以内にこのお客さまの閉塞解除が1回あります（直近の承認 2026/11/02 15:10:00）。今回は2回目です。【役席確認済】')
    expect(textOf('new_application')).not.toContain('閉塞解除')

    const worst = printed(handlingRecordDefinition(worstCaseRecord('unlock')))
    expect(worst).toContain('他の人がワンタイムパスワードを入力した可能性\nはい')
  })

  it('words the repeat warning by whether the supervisor acknowledged it', () => {
    const at = { count: 2, lastApprovedAt: '2026-11-02T06:10:00.000Z', days: 14 }
    expect(repeatUnlockText(sampleRecord('unlock', { repeatUnlock: null }))).toBe('繰り返しの閉塞解除：なし')
    expect(repeatUnlockText(sampleRecord('unlock', { repeatUnlock: { ...at, acknowledged: false } }))).toContain('今回は3回目です。【役席未確認】')
    expect(
      repeatUnlockText(sampleRecord('unlock', { state: 'pending_review', repeatUnlock: { ...at, acknowledged: null } })),
    ).toContain('【役席確認前（検印待ち）】')
    expect(unlockAnswers({ idDocumentMatches: true, contractHolderConfirmed: true, blockAccount: 'x', othersMayHaveTried: true, fraudSuspected: false }).filter((a) => a.concern)).toEqual([
      { question: '他の人がワンタイムパスワードを入力した可能性', answer: 'はい', concern: true },
    ])
  })

  it('prints the 差戻し and 取消 reasons when present', () => {
    expect(textOf('unlock')).not.toContain('差戻し理由')
    const text = textOf('suspension', { state: 'returned', reviewedBy: null, returnReason: '口座番号の記載誤り' })
    expect(text).toContain('差戻し理由\n口座番号の記載誤り')
    expect(textOf('suspension', { state: 'withdrawn', withdrawReason: 'お客さまの申出により取消' })).toContain('取消理由\nお客さまの申出により取消')
  })

  it('prints the trail as a table of time, what, who and note', () => {
    const text = textOf('unlock')
    expect(text).toContain('日時\n内容\n職員\n備考')
    expect(text).toContain('2026/11/21 10:15:03\n受付\n窓口 花子\n受付（検印待ち）')
    expect(text).toContain('2026/11/21 14:42:10\n検印・承認\n検印 一郎\n役席認証により承認（端末操作：窓口 花子）')
    expect(textOf('unlock', { trail: [] })).toContain('記録はありません。')
  })

  it('fills the 受付者 and 検印 stamp boxes with name and time, and leaves 役席 empty', () => {
    const text = textOf('unlock')
    expect(text).toContain('受付者\n検印\n役席\n窓口 花子\n2026/11/21 10:15\n検印 一郎\n2026/11/21 14:42\n')
    // Undecided: an empty 検印 box for the stamp.
    expect(textOf('unlock', { state: 'pending_review', reviewedBy: null })).toContain('受付者\n検印\n役席\n窓口 花子\n2026/11/21 10:15\n\n')
  })

  it('prints who printed it and when, and the page, in the footer', () => {
    const def = handlingRecordDefinition(sampleRecord('unlock', { printedByName: '検印 一郎' }))
    expect(footerText(def, 1, 2)).toContain('出力日時 2026/11/21 15:30:00　出力者 検印 一郎')
    expect(footerText(def, 2, 2)).toContain('2 / 2 ページ')
  })

  it('says 再発行 with the count only on a reprint', () => {
    expect(JSON.stringify(handlingRecordDefinition(sampleRecord()))).not.toContain('再発行')
    const def = handlingRecordDefinition(sampleRecord('unlock', { reprint: { count: 4 } }))
    expect(printed(def)).toContain('再発行（4回目）')
    expect(def.info?.title).toContain('再発行 4回目')
  })

  it('is A4 portrait in the Japanese font, dated when printed', () => {
    const def = handlingRecordDefinition(worstCaseRecord())
    expect(def.pageSize).toBe('A4')
    expect(def.pageOrientation).toBe('portrait')
    expect([...fontsUsed(def)]).toEqual([JP_FONT_FAMILY])
    expect(def.info?.creationDate?.toISOString()).toBe('2026-12-31T11:00:00.000Z')
    expect(def.info?.title).toBe('ワンタイムパスワード　取扱記録票（閉塞解除）999-20261231-9999（再発行 12回目）')
  })

  it.each(REQUEST_KINDS)('%s: a pure function of its data (no clock)', (kind) => {
    const data = sampleRecord(kind)
    expectNoClock(() => handlingRecordDefinition(data))
    expect(data).toEqual(sampleRecord(kind))
  })
})
