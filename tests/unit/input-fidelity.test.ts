// Input fidelity rules (issue 13): free text keeps the characters typed, searches fold both sides,
// the paper is compared exactly with the record.
import { describe, expect, it } from 'vitest'
import { compareWithRecord, formChanges } from '../../shared/formCompare'
import { givenKanaKey, givenNameKey, normalizeText, searchFold } from '../../shared/normalize'
import { cancellationSchema, customerSearchSchema, newApplicationSchema, type RequestForm } from '../../shared/schemas'

const base = {
  customerId: 1,
  applicationDate: '2026-11-21',
  nameKanji: '\uFA10本\u3000\uFA19子',
  nameKana: 'ツカモト　カミコ',
  phone: '018-800-0001',
  account: { branchCode: '001', type: 'ordinary', number: '1000001' },
  ibContractId: '2000000001',
  identity: { documentType: 'drivers_license' },
  sealMatched: true,
  remarks: '（ー～①）',
}

describe('kept as typed', () => {
  it('names, addresses and 備考 keep compatibility ideographs, widths and symbols', () => {
    const r = newApplicationSchema.parse({ ...base, birthDate: '1965-05-03', postalCode: '010-0001', address: '秋田市中通２－３　①' })
    expect(r.nameKanji).toBe('\uFA10本\u3000\uFA19子')
    expect(r.remarks).toBe('（ー～①）')
    expect(r.address).toBe('秋田市中通２－３　①')
    expect(normalizeText('  山田\u3000太郎\t')).toBe('山田\u3000太郎')
  })

  it('an over-long account number is refused, not cut', () => {
    const r = cancellationSchema.safeParse({ ...base, account: { ...base.account, number: '10000018' } })
    expect(r.success).toBe(false)
    expect(r.error!.issues[0]!.path).toEqual(['account', 'number'])
  })
})

describe('searches fold both sides', () => {
  it('compatibility ideographs, widths and hiragana fold to one key', () => {
    expect(searchFold('\uFA10本 \uFA19子')).toBe(searchFold('塚本　神子'))
    expect(searchFold('ｶﾐｺ')).toBe(searchFold('かみこ'))
    expect(givenNameKey('\uFA10本\u3000\uFA19子')).toBe('神子')
    expect(givenNameKey('山田')).toBe('')
    expect(givenKanaKey('ヤマダ\u3000ハナコ')).toBe('ハナコ')
  })

  it('the search refuses an account number with a hyphen or more than 7 digits', () => {
    const hyphen = customerSearchSchema.safeParse({ branchCode: '001', accountNumber: '100-000' })
    expect(hyphen.error?.issues[0]?.message).toBe('口座番号は数字だけで入力してください（「-」などの記号は入れません）')
    const long = customerSearchSchema.safeParse({ branchCode: '001', accountNumber: '10000018' })
    expect(long.error?.issues[0]?.message).toBe('口座番号は7桁以内で入力してください（8桁入力されています）')
    expect(customerSearchSchema.parse({ name: '\uFA10本' }).name).toBe('塚本')
  })
})

describe('the paper beside the record', () => {
  const registered = {
    nameKanji: '塚本\u3000神子',
    nameKana: 'ツカモト　カミコ',
    birthDate: '1965-05-03',
    postalCode: '010-0001',
    address: '秋田市',
    phone: '018-800-0001',
    account: { branchCode: '001', type: 'ordinary' as const, number: '1000001' },
    ibContractId: '2000000001',
  }
  const form = { ...cancellationSchema.parse(base), kind: 'cancellation' } as RequestForm

  it('a name that differs only in character form is a difference, marked as such', () => {
    const rows = compareWithRecord(form, registered)
    const name = rows.find((r) => r.key === 'nameKanji')!
    expect(name).toMatchObject({ same: false, formOnly: true })
    expect(rows.filter((r) => !r.same).map((r) => r.key)).toEqual(['nameKanji'])
    // 生年月日 and おところ are compared only where the paper carries them (新規申込).
    expect(rows.map((r) => r.key)).not.toContain('birthDate')
  })

  it('lists what changed between two submissions', () => {
    const after = { ...form, remarks: undefined, phone: '018-800-0002' } as RequestForm
    expect(formChanges(form, after)).toEqual([
      { key: 'phone', label: '電話番号', before: '018-800-0001', after: '018-800-0002' },
      { key: 'remarks', label: '備考', before: '（ー～①）', after: '' },
    ])
  })
})
