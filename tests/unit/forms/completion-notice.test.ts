import { describe, expect, it } from 'vitest'
import { COMPLETION_NOTICE_TITLE, completedSteps, completionNoticeDefinition } from '../../../forms/completionNotice'
import { JP_FONT_FAMILY } from '../../../forms/fonts'
import { NO_PASSWORD_NOTICE } from '../../../forms/guidance'
import { REQUEST_KIND_LABELS, REQUEST_KINDS, STATUS_LABELS } from '../../../shared/status'
import { FULL_ACCOUNT_NUMBER, sampleNotice, worstCaseNotice } from './completion-notice.fixtures'
import { allStrings, expectNoClock, fontsUsed, plainText, printed } from './definition-text'

const textFor = (...args: Parameters<typeof sampleNotice>) => printed(completionNoticeDefinition(sampleNotice(...args)))

describe('completionNoticeDefinition', () => {
  it('prints the masked account and never the full account number', () => {
    for (const kind of REQUEST_KINDS) {
      const def = completionNoticeDefinition(sampleNotice(kind))
      expect(printed(def)).toContain('***4321')
      // Nowhere in the definition: body, footer, metadata, QR.
      expect(allStrings(def)).not.toContain(FULL_ACCOUNT_NUMBER)
    }
  })

  it('prints the title, tag, receipt number, kind, branch, customer with 様, and the resulting status', () => {
    const text = textFor('suspension')
    expect(text).toContain(COMPLETION_NOTICE_TITLE)
    expect(COMPLETION_NOTICE_TITLE).toBe('ワンタイムパスワード　処理完了のお知らせ')
    expect(text).toContain('お客さま控')
    expect(text).toContain('001-20261121-0003')
    expect(text).toContain('利用停止')
    expect(text).toContain('本店営業部（店番 001）')
    expect(text).toContain('ヤマダ タロウ')
    expect(text).toContain('山田 太郎　様')
    expect(text).toContain('店番 001')
    expect(text).toContain(`${STATUS_LABELS.suspended}（お手続き後）`)
    expect(text).toContain('「利用停止」のお手続きが完了いたしました')
    expect(text).toContain(NO_PASSWORD_NOTICE)
  })

  it('prints the reception and completion dates in 和暦 with 西暦', () => {
    const text = printed(
      completionNoticeDefinition(sampleNotice('unlock', { businessDate: '2019-04-30', completedOn: '2019-05-01' })),
    )
    expect(text).toContain('受付日\n平成31年4月30日（2019年4月30日）')
    expect(text).toContain('処理完了日\n令和元年5月1日（2019年5月1日）')
  })

  it('encodes the receipt number, and only it, in the QR code', () => {
    const text = textFor()
    expect(text.match(/\[QR:[^\]]*\]/g)).toEqual(['[QR:001-20261121-0003]'])
  })

  it('says 再発行 with the count only on a reprint', () => {
    expect(JSON.stringify(completionNoticeDefinition(sampleNotice()))).not.toContain('再発行')
    const reprint = completionNoticeDefinition(sampleNotice('unlock', { reprint: { count: 3 } }))
    expect(printed(reprint)).toContain('再発行（3回目）')
    expect(reprint.info?.title).toContain('再発行 3回目')
  })

  it('uses the embedded Japanese font and no other', () => {
    const def = completionNoticeDefinition(worstCaseNotice('new_application'))
    expect(def.defaultStyle?.font).toBe(JP_FONT_FAMILY)
    expect([...fontsUsed(def)]).toEqual([JP_FONT_FAMILY])
  })

  it('is A4 portrait with metadata dated at the approval', () => {
    const def = completionNoticeDefinition(sampleNotice('cancellation'))
    expect(def.pageSize).toBe('A4')
    expect(def.pageOrientation).toBe('portrait')
    expect(def.info?.creationDate?.toISOString()).toBe('2026-11-21T05:42:10.000Z')
    expect(def.info?.title).toBe('ワンタイムパスワード　処理完了のお知らせ（ご利用解除）001-20261121-0003')
    expect(def.info?.subject).toContain('処理完了')
  })

  it('is a pure function of its data (no clock)', () => {
    const data = sampleNotice('cancellation', { reprint: { count: 1 } })
    expectNoClock(() => completionNoticeDefinition(data))
    expect(data).toEqual(sampleNotice('cancellation', { reprint: { count: 1 } }))
  })

  describe('今後のご利用について, in the completed tense, by request kind', () => {
    it('new application: the centre mails the notice, then the customer issues a token; allow the domains', () => {
      const text = textFor('new_application', { centreMailDomains: ['@otp-auth.net', '@example.jp'] })
      expect(text).toContain('今後のご利用について')
      expect(text).toContain('登録手続きが完了いたしましたので、ANSERセンターから')
      expect(text).toContain('「ワンタイムパスワード申請お取扱い開始のご案内」をお送りします')
      expect(text).toContain('「トークン発行」')
      expect(text).toContain('「@otp-auth.net」、「@example.jp」')
      expect(text).toContain('発行待ち')
    })

    it('cancellation: a new token or application only from the given date, in 和暦 and 西暦', () => {
      const text = textFor('cancellation')
      expect(text).toContain('ワンタイムパスワードのご利用を解除いたしました。')
      expect(text).toContain('新しいトークンの発行・ワンタイムパスワードのお申込みは、令和8年11月22日（2026年11月22日）以降となります')
      expect(text).not.toContain('ANSERセンター')
      // Without a date the rule is still said.
      const steps = completedSteps('cancellation', { centreMailDomains: [], newApplicationFrom: null })
      expect(plainText(steps)).toContain('ご利用解除日の翌日以降')
    })

    it('suspension: stopped; to resume, a 利用再開 request at the branch, then a new token', () => {
      const text = textFor('suspension')
      expect(text).toContain('ワンタイムパスワードのご利用を停止いたしました。')
      expect(text).toContain('お取引店の窓口に「利用再開」の依頼書をご提出ください')
      expect(text).toContain('あらためてトークンを発行していただきます')
      expect(text).not.toContain('以降')
    })

    it('resumption and restriction release: issue a token and start using it', () => {
      for (const kind of ['resumption', 'restriction_release'] as const) {
        const text = textFor(kind)
        expect(text).toContain('「トークン発行」を行い')
        expect(text).toContain('「ワンタイムパスワード利用開始」')
        expect(text).toContain('「@otp-auth.net」')
      }
      expect(textFor('restriction_release')).toContain('発行規制を解除いたしました')
      expect(textFor('resumption')).toContain('ご利用再開（トークン再発行）の手続きが完了いたしました')
    })

    it('unlock: usable again; 10 wrong codes block it again', () => {
      const text = textFor('unlock')
      expect(text).toContain('閉塞を解除いたしました。ワンタイムパスワードを再びご利用いただけます')
      expect(text).toContain('連続して10回以上間違えると、再び認証が停止（閉塞）します')
      expect(text).toContain('サービス利用中')
    })

    it.each(REQUEST_KINDS)('%s: prints its label and at least two steps, none in the future tense of the receipt', (kind) => {
      const text = textFor(kind)
      expect(text).toContain(REQUEST_KIND_LABELS[kind])
      expect(text).not.toContain('完了しますと')
      expect(completedSteps(kind, { centreMailDomains: ['@otp-auth.net'], newApplicationFrom: '2026-11-22' }).length).toBeGreaterThanOrEqual(2)
    })
  })
})
