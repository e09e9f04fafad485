// What the teller types is kept exactly or refused (issue 13, point 6), and a resubmitted request
// carries the earlier version and its return reason (point 7), through the dispatcher on a real
// ledger; the printed forms are read back with poppler.
import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { formChanges, compareWithRecord } from '../../shared/formCompare'
import { givenKanaKey, givenNameKey, searchFold } from '../../shared/normalize'
import { createTestApp, snapshotLedger, type TestApp } from '../helpers/app'
import { baseForm, customersIn, newApplicationForm } from '../helpers/forms'

let app: TestApp
afterEach(() => app?.close())

const TSUKA = '\uFA10' // 塚 (CJK compatibility ideograph)
const KAMI = '\uFA19' // 神 (CJK compatibility ideograph)
const NAME = `${TSUKA}本\u3000${KAMI}子`
const REMARKS = '（ー～①）髙橋さま確認済'
const ADDRESS = '秋田県秋田市中通２－３　ハイツ①'

function pdfText(b64: string): string {
  return execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(b64, 'base64') }).toString()
}

/** Gives one demo customer a name with compatibility ideographs, as the core system's master
 * would (the import stores the name as sent and the folded keys beside it). */
function renameCustomer(id: number, nameKanji: string): void {
  app.ctx.sqlite
    .prepare('UPDATE customers SET name_kanji = ?, name_key = ?, given_name_key = ? WHERE id = ?')
    .run(nameKanji, searchFold(nameKanji), givenNameKey(nameKanji), id)
}

describe('typed input is kept exactly or refused', () => {
  it('names, addresses and 備考 keep every character through receive → read → printed forms', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const c = customersIn(app.ctx, 'unregistered')[0]!
    renameCustomer(c.id, NAME) // the registered name the forms print
    const req = await app.ok('requests.receiveNewApplication', {
      ...newApplicationForm(c),
      nameKanji: NAME,
      address: ADDRESS,
      remarks: REMARKS,
    })
    const got = await app.ok('requests.get', { requestId: req.id })
    if (got.form.kind !== 'new_application') throw new Error('kind')
    expect(Buffer.from(got.form.nameKanji, 'utf8')).toEqual(Buffer.from(NAME, 'utf8'))
    expect(got.form.address).toBe(ADDRESS)
    expect(got.form.remarks).toBe(REMARKS)
    const stored = app.ctx.sqlite.prepare('SELECT form_json FROM otp_requests WHERE id = ?').pluck().get(req.id) as string
    expect(JSON.parse(stored)).toMatchObject({ nameKanji: NAME, address: ADDRESS, remarks: REMARKS })

    const receipt = pdfText((await app.ok('forms.preview', { form: 'customer_receipt', requestId: req.id })).pdfBase64)
    expect(receipt).toContain(`${TSUKA}本`)
    expect(receipt).toContain(`${KAMI}子`)
    expect(receipt).not.toContain('塚本') // not the unified form U+585A
    const record = pdfText((await app.ok('forms.preview', { form: 'handling_record', requestId: req.id })).pdfBase64).replace(/\s+/g, '')
    expect(record).toContain(`${TSUKA}本`)
    expect(record).toContain('（ー～①）')
    expect(record).toContain('中通２－３')
  })

  it('an over-long account number is refused at the field, never cut to another customer', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const before = snapshotLedger(app.ctx)
    const e = await app.err('requests.receiveCancellation', { ...baseForm(c), account: { ...baseForm(c).account, number: `${c.account_number}8` } })
    expect(e.code).toBe('VALIDATION_FAILED')
    expect(e.fields?.['account.number']).toBe('口座番号は数字7桁で入力してください')
    expect(snapshotLedger(app.ctx)).toBe(before)

    // The search refuses an 8-digit or hyphenated account number with a message, not "0件".
    const s8 = await app.err('customers.search', { branchCode: c.account_branch_code, accountNumber: '10000018' })
    expect(s8.fields?.['accountNumber']).toMatch(/7桁以内/)
    const sHyphen = await app.err('customers.search', { branchCode: c.account_branch_code, accountNumber: '100-000' })
    expect(sHyphen.fields?.['accountNumber']).toMatch(/数字だけ/)
  })

  it('a search folds both sides: 塚 (U+585A) finds 塚 (U+FA10) and the other way round, served by an index', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const c = customersIn(app.ctx, 'in_use')[0]!
    renameCustomer(c.id, NAME)
    for (const typed of ['塚本', `${TSUKA}本`, '塚本　神子', '塚本神']) {
      const found = await app.ok('customers.search', { name: typed })
      expect(found.map((f) => f.id), typed).toContain(c.id)
      expect(found.find((f) => f.id === c.id)!.nameKanji).toBe(NAME) // shown as registered
    }
    // By the given name (名) alone, in kanji of either form.
    expect((await app.ok('customers.search', { name: '神子' })).map((f) => f.id)).toContain(c.id)
    expect((await app.ok('customers.search', { name: `${KAMI}子` })).map((f) => f.id)).toContain(c.id)
  })

  it('a search by the given name (名) in kana finds the customers, with the surname search unchanged', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const given = givenKanaKey(c.name_kana)
    expect(given).not.toBe('')
    const found = await app.ok('customers.search', { kana: given })
    expect(found.map((f) => f.id)).toContain(c.id)
    // Hiragana and half-width kana of the given name fold the same way.
    const hira = given.replace(/[\u30A1-\u30F6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    expect((await app.ok('customers.search', { kana: hira })).map((f) => f.id)).toContain(c.id)
    const surname = c.name_kana.split('\u3000')[0]!
    expect((await app.ok('customers.search', { kana: surname })).map((f) => f.id)).toContain(c.id)
  })

  it('the 健康保険証 is no longer accepted as a new identity document; the 資格確認書 is, with a second document', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const e = await app.err('requests.receiveCancellation', { ...baseForm(c), identity: { documentType: 'health_insurance', secondDocumentType: 'resident_record' } })
    expect(e.fields?.['identity.documentType']).toBe('本人確認書類を選択してください')
    const e2 = await app.err('requests.receiveCancellation', { ...baseForm(c), identity: { documentType: 'qualification_certificate' } })
    expect(e2.fields?.['identity.secondDocumentType']).toBe('資格確認書の場合は補助書類を選択してください')
    const ok = await app.ok('requests.receiveCancellation', { ...baseForm(c), identity: { documentType: 'qualification_certificate', secondDocumentType: 'resident_record' } })
    expect(ok.identity.documentType).toBe('qualification_certificate')
  })
})

describe('the paper beside the record, and a resubmission beside the returned version', () => {
  it('検印 gets the registered record and, after 再提出, the earlier return reason and what changed', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'teller')
    await app.loginAs('super1', 'super')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const typedName = `${c.name_kanji}様` // typed differently from the record
    const req = await app.ok('requests.receiveCancellation', { ...baseForm(c), nameKanji: typedName }, 'teller')
    let d = await app.ok('requests.get', { requestId: req.id }, 'super')
    expect(d.submission).toBe(1)
    expect(d.previousVersion).toBeNull()
    expect(d.registered).toMatchObject({ nameKanji: c.name_kanji, ibContractId: c.ib_contract_id })
    const diff = compareWithRecord(d.form, d.registered).filter((f) => !f.same)
    expect(diff.map((f) => [f.label, f.paper, f.registered])).toEqual([['お名前', typedName, c.name_kanji]])

    const returned = await app.ok('requests.return', { requestId: req.id, version: d.version, reason: 'お名前が登録と違います' }, 'super')
    const corrected = { ...baseForm(c), kind: 'cancellation' as const, remarks: '（ー～①）' }
    await app.ok('requests.resubmit', { requestId: req.id, version: returned.version, form: corrected }, 'teller')
    d = await app.ok('requests.get', { requestId: req.id }, 'super')
    expect(d.submission).toBe(2)
    expect(d.previousVersion).toMatchObject({ seq: 1, returnReason: 'お名前が登録と違います', returnedByName: '高橋 健一' })
    expect(formChanges(d.previousVersion!.form, d.form)).toEqual([
      { key: 'nameKanji', label: 'お名前', before: typedName, after: c.name_kanji },
      { key: 'remarks', label: '備考', before: '', after: '（ー～①）' },
    ])
    expect(compareWithRecord(d.form, d.registered).every((f) => f.same)).toBe(true)
  })
})
