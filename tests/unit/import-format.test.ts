// Reading a core system's values the way the counter reads a paper form.
import { describe, expect, it } from 'vitest'
import { guessMapping, parseAccountType, parseCustomerRow, parseEventKind, parseFlexibleDate, CUSTOMER_FIELDS, type CustomerField } from '../../shared/importFormat'
import { neutralizeCell } from '../../shared/spreadsheet'

describe('dates a core system writes', () => {
  it.each([
    ['1975-04-01', '1975-04-01'],
    ['1975/4/1', '1975-04-01'],
    ['19750401', '1975-04-01'],
    ['１９７５年４月１日', '1975-04-01'],
    ['昭和50年4月1日', '1975-04-01'],
    ['S50.04.01', '1975-04-01'],
    ['平成元年1月8日', '1989-01-08'],
    ['H1/1/8', '1989-01-08'],
    ['R1.5.1', '2019-05-01'],
  ])('%s -> %s', (input, out) => expect(parseFlexibleDate(input)).toBe(out))

  it.each(['1980-02-30', '昭和64年1月8日', '平成31年5月1日', 'S50', '', 'yesterday'])('%s is no date', (input) => expect(parseFlexibleDate(input)).toBeNull())
})

describe('values of a row', () => {
  const row: Record<CustomerField, string> = {
    branchCode: '００２',
    accountType: '1',
    accountNumber: '12345',
    nameKanji: '髙橋　ヴィクトル',
    nameKana: 'ﾀｶﾊｼ ｳﾞｨｸﾄﾙ',
    birthDate: 'S55.4.1',
    postalCode: '〒0100001',
    address: '秋田県秋田市中通２－３',
    phone: '０１８ー８００ー０００１',
    ibContractId: '３０００００００01',
  }
  it('normalises every field as the counter does', () => {
    expect(parseCustomerRow((f) => row[f])).toEqual({
      record: {
        branchCode: '002',
        accountType: 'ordinary',
        accountNumber: '0012345',
        // Names and addresses keep the characters of the master (issue 13); the search keys fold.
        nameKanji: '髙橋　ヴィクトル',
        nameKana: 'タカハシ　ヴィクトル',
        kanaKey: 'タカハシヴィクトル',
        nameKey: '髙橋ヴィクトル',
        givenNameKey: 'ヴィクトル',
        givenKanaKey: 'ヴィクトル',
        birthDate: '1980-04-01',
        postalCode: '010-0001',
        address: '秋田県秋田市中通２－３',
        phone: '018-800-0001',
        ibContractId: '3000000001',
      },
    })
  })
  it('names every reason a row is refused', () => {
    const bad = { ...row, accountType: '定期', nameKana: 'Takahashi', postalCode: '1', ibContractId: '12' }
    expect(parseCustomerRow((f) => bad[f])).toEqual({
      reasons: [
        '預金種目「定期」は普通・当座・貯蓄（または1・2・4）のいずれかでなければなりません',
        'フリガナはカタカナで入力してください（「Takahashi」）',
        '郵便番号は「123-4567」の形で入力してください',
        'IB契約者IDは数字10桁で入力してください',
      ],
    })
  })
  it('reads 預金種目 and events in the words a file uses', () => {
    expect(['普通', '当座預金', '4', 'ordinary', '普通 '].map(parseAccountType)).toEqual(['ordinary', 'current', 'savings', 'ordinary', 'ordinary'])
    expect(['トークン発行', '利用開始', '閉塞', '発行規制', 'ﾄｰｸﾝ発行', '停止'].map(parseEventKind)).toEqual([
      'token_issued',
      'use_started',
      'blocked',
      'issuance_restricted',
      'token_issued',
      null,
    ])
  })
  it('proposes a first mapping from common header words, whatever their width', () => {
    expect(guessMapping(CUSTOMER_FIELDS, ['店番', '科目', '口座番号', '漢字氏名', 'ｶﾅ氏名', '生年月日', '〒', '住所', 'TEL', 'ＩＢ契約者ＩＤ'])).toEqual({
      branchCode: '店番',
      accountType: '科目',
      accountNumber: '口座番号',
      nameKanji: '漢字氏名',
      nameKana: 'ｶﾅ氏名',
      birthDate: '生年月日',
      postalCode: '〒',
      address: '住所',
      phone: 'TEL',
      ibContractId: 'ＩＢ契約者ＩＤ',
    })
  })
})

describe('spreadsheet cells', () => {
  it('neutralises what a spreadsheet would run as a formula, and nothing else', () => {
    expect(['=1+1', '+81', '-2', '@SUM(A1)', '\t=1', '\r=1', '田中', '018-800-0001', '', "'quoted"].map(neutralizeCell)).toEqual([
      "'=1+1",
      "'+81",
      "'-2",
      "'@SUM(A1)",
      "'\t=1",
      "'\r=1",
      '田中',
      '018-800-0001',
      '',
      "'quoted",
    ])
  })
})
