import { describe, expect, it } from 'vitest'
import {
  customerReceiptDefinition,
  maskAccountNumber,
  nextSteps,
  warekiWithSeireki,
} from '../../../forms/customerReceipt'
import { JP_FONT_FAMILY } from '../../../forms/fonts'
import { REQUEST_KIND_LABELS, REQUEST_KINDS } from '../../../shared/status'
import { FULL_ACCOUNT_NUMBER, sampleReceipt, worstCaseReceipt } from './customer-receipt.fixtures'
import { expectNoClock, fontsUsed, printed } from './definition-text'

describe('maskAccountNumber', () => {
  it('keeps only the last four digits of a 7-digit number', () => {
    expect(maskAccountNumber('1234567')).toBe('***4567')
    expect(maskAccountNumber('0001234')).toBe('***1234')
  })
  it('always hides at least three digits, even of a short or oddly written number', () => {
    expect(maskAccountNumber('1234')).toBe('***1234')
    expect(maskAccountNumber('12')).toBe('***0012')
    expect(maskAccountNumber('123-4567')).toBe('***4567')
  })
})

describe('customerReceiptDefinition', () => {
  it('prints the masked account and never the full account number', () => {
    const def = customerReceiptDefinition(sampleReceipt())
    expect(printed(def)).toContain('***4321')
    // Nowhere in the definition: body, footer, metadata, QR.
    expect(JSON.stringify(def)).not.toContain(FULL_ACCOUNT_NUMBER)
  })

  it('tells the customer whom to call when asked for a password: the branch and its telephone (issue 13)', () => {
    const text = printed(customerReceiptDefinition({ ...sampleReceipt(), branchPhone: '018-800-1234' }))
    expect(text).toContain('当組合（本店営業部 TEL 018-800-1234）までご連絡ください')
    // A ledger without a telephone keeps the plain wording.
    const { branchPhone: _none, ...noPhone } = sampleReceipt()
    expect(printed(customerReceiptDefinition(noPhone))).toContain('お答えにならず当組合までご連絡ください')
  })

  it('prints the title, receipt number, kind, branch, customer and teller', () => {
    const text = printed(customerReceiptDefinition(sampleReceipt()))
    expect(text).toContain('ワンタイムパスワード　お客さま控')
    expect(text).toContain('新規申込')
    expect(text).toContain('001-20261121-0003')
    expect(text).toContain('本店営業部（店番 001）')
    expect(text).toContain('山田 太郎')
    expect(text).toContain('ヤマダ タロウ')
    expect(text).toContain('店番 001')
    expect(text).toContain('普通')
    expect(text).toContain('窓口 花子')
    // The caution itself, word for word (not the constant checked against itself).
    expect(text).toContain('当組合の職員がお客さまのパスワードやワンタイムパスワードをお尋ねすることはありません。')
  })

  it('prints the reception date in 和暦 with 西暦, and the time in Japan time', () => {
    const text = printed(customerReceiptDefinition(sampleReceipt()))
    expect(text).toContain('令和8年11月21日（2026年11月21日）')
    // 01:15:03 UTC is 10:15:03 in Japan.
    expect(text).toContain('2026/11/21 10:15:03')
    expect(warekiWithSeireki('2019-05-01')).toBe('令和元年5月1日（2019年5月1日）')
    expect(warekiWithSeireki('2019-04-30')).toBe('平成31年4月30日（2019年4月30日）')
  })

  it('encodes the receipt number, and only it, in the QR code', () => {
    const text = printed(customerReceiptDefinition(sampleReceipt()))
    expect(text.match(/\[QR:[^\]]*\]/g)).toEqual(['[QR:001-20261121-0003]'])
  })

  it('says 再発行 with the count only on a reprint', () => {
    const first = customerReceiptDefinition(sampleReceipt())
    expect(JSON.stringify(first)).not.toContain('再発行')
    const reprint = customerReceiptDefinition(sampleReceipt({ reprint: { count: 2 } }))
    expect(printed(reprint)).toContain('再発行（2回目）')
    expect(reprint.info?.title).toContain('再発行')
  })

  it('uses the embedded Japanese font and no other', () => {
    const def = customerReceiptDefinition(worstCaseReceipt('new_application'))
    expect(def.defaultStyle?.font).toBe(JP_FONT_FAMILY)
    expect([...fontsUsed(def)]).toEqual([JP_FONT_FAMILY])
  })

  it('is A4 portrait with metadata dated from the data', () => {
    const def = customerReceiptDefinition(sampleReceipt())
    expect(def.pageSize).toBe('A4')
    expect(def.pageOrientation).toBe('portrait')
    expect(def.info?.creationDate?.toISOString()).toBe('2026-11-21T01:15:03.000Z')
    expect(def.info?.title).toContain('001-20261121-0003')
  })

  it('is a pure function of its data (no clock)', () => {
    const data = sampleReceipt({ reprint: { count: 1 } })
    expectNoClock(() => customerReceiptDefinition(data))
    expect(data).toEqual(sampleReceipt({ reprint: { count: 1 } }))
  })

  describe('今後のお手続き depends on the request kind', () => {
    const textFor = (kind: (typeof REQUEST_KINDS)[number]) =>
      printed(customerReceiptDefinition(sampleReceipt({ requestKind: kind })))

    it('new application: the centre mails the notice, then the customer issues a token; allow the domains', () => {
      const text = textFor('new_application')
      expect(text).toContain('今後のお手続き')
      expect(text).toContain('ANSERセンター')
      expect(text).toContain('「ワンタイムパスワード申請お取扱い開始のご案内」をお送りします')
      expect(text).toContain('インターネットバンキングにログインして「トークン発行」を行い')
      expect(text).toContain('次のドメインからのメールを受信できるよう設定してください。「@otp-auth.net」')
    })

    it('lists every centre domain, and drops the step when there is none', () => {
      const two = printed(
        customerReceiptDefinition(sampleReceipt({ centreMailDomains: ['@otp-auth.net', '@example.jp'] })),
      )
      expect(two).toContain('「@otp-auth.net」、「@example.jp」')
      const none = printed(customerReceiptDefinition(sampleReceipt({ centreMailDomains: [] })))
      expect(none).not.toContain('ドメイン')
      expect(nextSteps('new_application', [])).toHaveLength(2)
    })

    it('cancellation: a new token only from the next day', () => {
      const text = textFor('cancellation')
      expect(text).toContain('ご利用解除')
      expect(text).toContain('新しいトークンの発行は、ご利用解除の翌日以降となります')
      expect(text).not.toContain('ANSERセンター')
    })

    it('suspension: bring a 利用再開 request to the counter to resume', () => {
      const text = textFor('suspension')
      expect(text).toContain('停止')
      expect(text).toContain('お取引店の窓口に「利用再開」の依頼書をご提出ください')
      expect(text).not.toContain('翌日以降')
    })

    it('unlock: the OTP can be used again after processing', () => {
      const text = textFor('unlock')
      expect(text).toContain('閉塞解除')
      expect(text).toContain('ワンタイムパスワードを再びご利用いただけます')
    })

    it('resumption and restriction release: issue a token again, allow the domains', () => {
      for (const kind of ['resumption', 'restriction_release'] as const) {
        const text = textFor(kind)
        expect(text).toContain('「トークン発行」')
        expect(text).toContain('「@otp-auth.net」')
      }
      expect(textFor('restriction_release')).toContain('発行規制が解除')
    })

    it.each(REQUEST_KINDS)('%s: prints its label and at least two steps', (kind) => {
      expect(textFor(kind)).toContain(REQUEST_KIND_LABELS[kind])
      expect(nextSteps(kind, ['@otp-auth.net']).length).toBeGreaterThanOrEqual(2)
    })
  })
})
