// Printing through the dispatcher, on a real ledger, with the real PDFs read back by poppler:
// previews change nothing; prints are archived with their SHA-256, recorded and audited; reprints
// say 再発行 and count; each form is refused where the request's state does not allow it; the daily
// journal is the supervisor's, for today or an earlier date, with the unlock warnings; and two
// prints at once or a file left by an interrupted print do not break anything.
import { createHash } from 'node:crypto'
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { archivedFile, checkArchive, recordedPrints } from '../../db/formArchive'
import { DEMO_PASSWORD } from '../../db/seed'
import { auditRows, createTestApp, snapshotLedger, type TestApp } from '../helpers/app'
import { baseForm, customerRow, customersIn, newApplicationForm, suspensionForm, unlockForm } from '../helpers/forms'

let app: TestApp
afterEach(() => app?.close())

async function receiveOne(key = 'default'): Promise<{ id: number; receiptNo: string; version: number }> {
  return app.ok('requests.receiveNewApplication', newApplicationForm(customersIn(app.ctx, 'unregistered')[0]!), key)
}

const printed = () =>
  app.ctx.sqlite.prepare('SELECT form_kind, request_id, branch_id, business_date, reprint, sha256, file_path FROM printed_forms ORDER BY id').all() as {
    form_kind: string
    request_id: number | null
    branch_id: number | null
    business_date: string | null
    reprint: number
    sha256: string
    file_path: string
  }[]

/** The PDF's text as poppler extracts it, without the spaces and line breaks layout adds. */
function pdfText(b64: string): string {
  return execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(b64, 'base64') })
    .toString()
    .replace(/\s+/g, '')
}

const formAudit = () => auditRows(app.ctx).filter((a) => a.action.startsWith('forms.'))

const decide = (requestId: number, version: number, over: Record<string, unknown> = {}) => ({
  requestId,
  version,
  supervisorLoginId: 'super1',
  supervisorPassword: DEMO_PASSWORD,
  decision: 'approve' as const,
  ...over,
})

describe('printing a request’s forms', () => {
  it('お客さま控: archived with its hash; a reprint says 再発行 and is audited', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const req = await receiveOne()
    const first = await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id })
    expect(first).toMatchObject({ form: 'customer_receipt', fileName: `${req.receiptNo}_お客さま控.pdf`, reprint: false, printCount: 0 })
    const second = await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id })
    expect(second).toMatchObject({ fileName: `${req.receiptNo}_お客さま控_再発行1.pdf`, reprint: true, printCount: 1 })

    for (const row of printed()) {
      const file = path.join(app.dir, row.file_path)
      expect(createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(row.sha256)
      expect(row.file_path.startsWith(path.join('forms', '2026', '11'))).toBe(true)
    }
    expect(printed()[1]!.file_path).toBe(second.archivedAs)
    expect(pdfText(second.pdfBase64)).toContain('再発行')
    expect(pdfText(first.pdfBase64)).not.toContain('再発行（')
    expect(formAudit().map((a) => a.action)).toEqual(['forms.print', 'forms.reprint'])
    expect(JSON.parse(formAudit()[1]!.detail_json!)).toMatchObject({ formKind: 'customer_receipt', receiptNo: req.receiptNo, reprintCount: 1, sha256: second.sha256 })
    expect((await app.ok('requests.get', { requestId: req.id })).printCounts).toEqual({ customer_receipt: 2, completion_notice: 0, handling_record: 0 })
  })

  it('a preview archives and records nothing, and shows what the next print will be', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const req = await receiveOne()
    const before = snapshotLedger(app.ctx)
    const auditBefore = auditRows(app.ctx).length
    const preview = await app.ok('forms.preview', { form: 'customer_receipt', requestId: req.id })
    expect(preview).toMatchObject({ printCount: 0, fileName: `${req.receiptNo}_お客さま控.pdf` })
    expect(pdfText(preview.pdfBase64)).toContain(req.receiptNo)
    expect(snapshotLedger(app.ctx)).toBe(before)
    expect(auditRows(app.ctx)).toHaveLength(auditBefore)
    expect(fs.existsSync(path.join(app.dir, 'forms'))).toBe(false)

    await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id })
    const again = await app.ok('forms.preview', { form: 'customer_receipt', requestId: req.id })
    expect(again.printCount).toBe(1)
    expect(pdfText(again.pdfBase64)).toContain('再発行')
    expect(printed()).toHaveLength(1)
  })

  it('処理完了のお知らせ only once approved: the customer’s copy masks the account and says what comes next', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    await app.loginAs('super1', 'sup')
    const c = customersIn(app.ctx, 'in_use')[0]!
    const req = await app.ok('requests.receiveCancellation', baseForm(c), 'counter')

    const before = snapshotLedger(app.ctx)
    const refused = await app.err('forms.print', { form: 'completion_notice', requestId: req.id }, 'counter')
    expect(refused.code).toBe('FORM_NOT_AVAILABLE')
    expect(refused.message).toBe('処理完了のお知らせは、承認された依頼だけ印刷できます。')
    expect((await app.err('forms.preview', { form: 'completion_notice', requestId: req.id }, 'counter')).code).toBe('FORM_NOT_AVAILABLE')
    expect(snapshotLedger(app.ctx)).toBe(before)
    expect(formAudit().map((a) => [a.action, a.outcome])).toEqual([['forms.print', 'refused']])

    await app.ok('requests.approve', { requestId: req.id, version: req.version }, 'sup')
    const notice = await app.ok('forms.print', { form: 'completion_notice', requestId: req.id }, 'counter')
    expect(notice.fileName).toBe(`${req.receiptNo}_処理完了のお知らせ.pdf`)
    const text = pdfText(notice.pdfBase64)
    expect(text).toContain('処理完了のお知らせ')
    expect(text).toContain(req.receiptNo)
    expect(text).toContain(c.name_kanji.replace(/\s+/g, ''))
    expect(text).toContain(c.account_number.slice(-4))
    expect(text).not.toContain(c.account_number)
    // Approved on 2026-11-21 (Japan): a new token from the next day, in 和暦 and 西暦.
    expect(text).toContain('令和8年11月22日')
    expect(text).toContain('2026年11月22日')
  })

  it('取扱記録票: the bank’s copy with the full account, the unlock verification answers and who received and approved', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    const c = customersIn(app.ctx, 'blocked')[0]!
    const req = await app.ok('requests.receiveUnlock', unlockForm(c, { othersMayHaveTried: true }), 'counter')
    const pending = await app.ok('forms.print', { form: 'handling_record', requestId: req.id }, 'counter')
    const pendingText = pdfText(pending.pdfBase64)
    expect(pendingText).toContain('取扱記録票')
    expect(pendingText).toContain(c.account_number)
    expect(pendingText).toContain(c.ib_contract_id)
    expect(pendingText).toContain('佐藤美咲')
    expect(pendingText).not.toContain('高橋健一')
    expect(pendingText).toContain(req.form.kind === 'unlock' ? req.form.verification.blockAccount.replace(/\s+/g, '') : 'x')

    await app.ok('requests.decideUnlock', decide(req.id, req.version), 'counter')
    const approved = await app.ok('forms.print', { form: 'handling_record', requestId: req.id }, 'counter')
    expect(approved).toMatchObject({ reprint: true, printCount: 1 })
    const text = pdfText(approved.pdfBase64)
    expect(text).toContain('高橋健一') // 検印
    expect(text).toContain('佐藤美咲') // 受付者
    expect(text).toContain('再発行')
    expect(formAudit().map((a) => a.action)).toEqual(['forms.print', 'forms.reprint'])
    expect(printed().map((p) => [p.form_kind, p.request_id])).toEqual([
      ['handling_record', req.id],
      ['handling_record', req.id],
    ])
  })

  it('a withdrawn request has no お客さま控, but its 取扱記録票 prints with the reason', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const req = await app.ok('requests.receiveSuspension', suspensionForm(customersIn(app.ctx, 'in_use')[0]!))
    await app.ok('requests.withdraw', { requestId: req.id, version: req.version, reason: 'お客さまが申出を撤回' })
    expect((await app.err('forms.print', { form: 'customer_receipt', requestId: req.id })).code).toBe('FORM_NOT_AVAILABLE')
    const record = await app.ok('forms.print', { form: 'handling_record', requestId: req.id })
    expect(pdfText(record.pdfBase64)).toContain('お客さまが申出を撤回')
  })

  it('unknown requests and forms, and markup or paths from the renderer, are refused', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    expect((await app.err('forms.print', { form: 'customer_receipt', requestId: 99999 })).code).toBe('REQUEST_NOT_FOUND')
    const req = await receiveOne()
    expect((await app.err('forms.print', { form: 'daily_journal', requestId: req.id })).code).toBe('VALIDATION_FAILED')
    expect((await app.err('forms.print', { form: 'customer_receipt', requestId: req.id, path: '/tmp/x.pdf' })).code).toBe('VALIDATION_FAILED')
    expect((await app.err('forms.print', { form: 'customer_receipt', requestId: req.id, html: '<b>x</b>' })).code).toBe('VALIDATION_FAILED')
    expect(printed()).toHaveLength(0)
  })
})

describe('what the administrator sets for the forms (支店設定)', () => {
  it('the institution’s name, the branch telephone and the centre’s mail domains are printed; bad values are refused field by field', async () => {
    app = await createTestApp()
    await app.loginAs('admin1', 'adm')
    await app.loginAs('teller1')
    expect(await app.ok('settings.get', {})).toEqual({ unlockRepeatDays: 30, institutionName: '', branchPhone: '', centreMailDomains: ['@otp-auth.net'] })

    const before = snapshotLedger(app.ctx)
    const bad = await app.err(
      'settings.update',
      { unlockRepeatDays: 30, institutionName: 'あ'.repeat(41), branchPhone: '12345', centreMailDomains: ['not a domain'] },
      'adm',
    )
    expect(bad.fields).toEqual({
      institutionName: '金融機関名は40文字以内で入力してください',
      branchPhone: '電話番号は0から始まる10桁または11桁の数字（ハイフン可）で入力してください',
      'centreMailDomains.0': '受信許可ドメインは「@example.co.jp」の形で入力してください',
    })
    expect(snapshotLedger(app.ctx)).toBe(before)
    expect((await app.err('settings.update', { unlockRepeatDays: 30, institutionName: '〇〇信用組合' })).code).toBe('FORBIDDEN_ROLE')

    const saved = await app.ok(
      'settings.update',
      { unlockRepeatDays: 30, institutionName: ' みなと信用組合 ', branchPhone: '０３-１２３４-５６７８', centreMailDomains: ['otp-auth.net', '@Minato-Shinkumi.CO.JP'] },
      'adm',
    )
    expect(saved).toEqual({ unlockRepeatDays: 30, institutionName: 'みなと信用組合', branchPhone: '03-1234-5678', centreMailDomains: ['@otp-auth.net', '@minato-shinkumi.co.jp'] })
    // Left out of an update: kept.
    expect(await app.ok('settings.update', { unlockRepeatDays: 10 }, 'adm')).toMatchObject({ unlockRepeatDays: 10, institutionName: 'みなと信用組合' })

    const req = await receiveOne()
    const text = pdfText((await app.ok('forms.preview', { form: 'customer_receipt', requestId: req.id })).pdfBase64)
    expect(text).toContain('みなと信用組合')
    expect(text).toContain('03-1234-5678')
    expect(text).toContain('@minato-shinkumi.co.jp')
  })
})

describe('日次取扱一覧', () => {
  it('is the supervisor’s; a future date is refused in Japanese and changes nothing', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 't')
    await app.loginAs('super1', 's')
    expect((await app.err('forms.previewDailyJournal', { businessDate: '2026-11-21' }, 't')).code).toBe('FORBIDDEN_ROLE')
    expect((await app.err('forms.printDailyJournal', { businessDate: '2026-11-21' }, 't')).code).toBe('FORBIDDEN_ROLE')
    const before = snapshotLedger(app.ctx)
    const future = await app.err('forms.printDailyJournal', { businessDate: '2026-11-22' }, 's')
    expect(future).toMatchObject({ code: 'JOURNAL_DATE_IN_FUTURE', message: '日次取扱一覧は本日以前の日付を指定してください。' })
    expect(future.fields).toEqual({ businessDate: '本日以前の日付を指定してください' })
    expect((await app.err('forms.printDailyJournal', { businessDate: '2026-02-30' }, 's')).fields).toHaveProperty('businessDate')
    expect(snapshotLedger(app.ctx)).toBe(before)
  })

  it('lists the day’s requests by state with the unlock warnings; other days are not mixed in', async () => {
    // Yesterday: one unlock approved.
    app = await createTestApp({ now: new Date('2026-11-20T02:00:00Z') })
    await app.loginAs('teller1', 'counter')
    await app.loginAs('super1', 'sup')
    const [b0, b1, b2, b3] = customersIn(app.ctx, 'blocked')
    const y = await app.ok('requests.receiveUnlock', { ...unlockForm(b0!), applicationDate: '2026-11-20' }, 'counter')
    await app.ok('requests.decideUnlock', decide(y.id, y.version), 'counter')
    await app.ok('events.record', { customerId: b0!.id, customerVersion: customerRow(app.ctx, b0!.id).version, kind: 'blocked', occurredOn: '2026-11-20', source: 'centre' }, 'counter')

    // Today: a repeat unlock (acknowledged), an undecided unlock, a returned suspension, a fraud refusal, an approved new application.
    app.clock.now = new Date('2026-11-21T01:00:00Z')
    await app.loginAs('teller1', 'counter')
    await app.loginAs('super1', 'sup')
    const repeat = await app.ok('requests.receiveUnlock', unlockForm(b0!), 'counter')
    await app.ok('requests.decideUnlock', decide(repeat.id, repeat.version, { acknowledgeRepeat: true }), 'counter')
    const undecided = await app.ok('requests.receiveUnlock', unlockForm(b1!), 'counter')
    expect((await app.err('requests.receiveUnlock', unlockForm(b2!, { fraudSuspected: true }), 'counter')).code).toBe('FRAUD_SUSPECTED')
    const susp = await app.ok('requests.receiveSuspension', suspensionForm(customersIn(app.ctx, 'in_use')[0]!), 'counter')
    await app.ok('requests.return', { requestId: susp.id, version: susp.version, reason: '届出印相違' }, 'sup')
    const newApp = await receiveOne('counter')
    await app.ok('requests.approve', { requestId: newApp.id, version: newApp.version }, 'sup')
    // A returned unlock corrected to 不正利用の疑い「あり」: its 再提出 is refused.
    const corrected = await app.ok('requests.receiveUnlock', unlockForm(b3!), 'counter')
    const back = await app.ok('requests.decideUnlock', decide(corrected.id, corrected.version, { decision: 'return', reason: '経緯を再確認' }), 'counter')
    const fraudForm = { kind: 'unlock' as const, ...unlockForm(b3!, { fraudSuspected: true }) }
    expect((await app.err('requests.resubmit', { requestId: corrected.id, version: back.version, form: fraudForm }, 'counter')).code).toBe('FRAUD_SUSPECTED')

    const preview = await app.ok('forms.previewDailyJournal', { businessDate: '2026-11-21' }, 'sup')
    expect(preview).toMatchObject({ form: 'daily_journal', printCount: 0, fileName: '日次取扱一覧_001_2026-11-21.pdf' })
    const text = pdfText(preview.pdfBase64)
    for (const r of [repeat, undecided, susp, newApp, corrected]) expect(text).toContain(r.receiptNo)
    expect(text).not.toContain(y.receiptNo)
    expect(text).toContain('日次取扱一覧')
    expect(text).toContain('令和8年11月21日')
    expect(text).toContain('届出印相違')
    expect(text).toContain(b2!.name_kanji.replace(/\s+/g, '')) // the fraud refusal, from the audit
    expect(text).toContain(b1!.name_kanji.replace(/\s+/g, '')) // undecided
    expect(text).toContain(`${b3!.name_kanji.replace(/\s+/g, '')}：不正利用の疑いにより再提出を拒否（対応職員：佐藤美咲）`)
    expect(printed()).toHaveLength(0)

    // Printed, then printed again: recorded per branch and date, the second as 再発行.
    const first = await app.ok('forms.printDailyJournal', { businessDate: '2026-11-21' }, 'sup')
    const second = await app.ok('forms.printDailyJournal', { businessDate: '2026-11-21' }, 'sup')
    expect([first.reprint, second.reprint]).toEqual([false, true])
    expect(second.fileName).toBe('日次取扱一覧_001_2026-11-21_再発行1.pdf')
    expect(pdfText(second.pdfBase64)).toContain('再発行')
    const yesterday = await app.ok('forms.printDailyJournal', { businessDate: '2026-11-20' }, 'sup')
    expect(yesterday.reprint).toBe(false)
    expect(pdfText(yesterday.pdfBase64)).toContain(y.receiptNo)
    expect(printed().map((p) => [p.form_kind, p.request_id, p.branch_id, p.business_date, p.reprint])).toEqual([
      ['daily_journal', null, 1, '2026-11-21', 0],
      ['daily_journal', null, 1, '2026-11-21', 1],
      ['daily_journal', null, 1, '2026-11-20', 0],
    ])
    const audits = formAudit().filter((a) => a.outcome === 'ok')
    expect(audits.map((a) => a.action)).toEqual(['forms.print', 'forms.reprint', 'forms.print'])
    expect(JSON.parse(audits[0]!.detail_json!)).toMatchObject({ formKind: 'daily_journal', businessDate: '2026-11-21', rows: 5, unlockWarnings: 5 })
  })

  it('a repeated unlock prints as its approver saw it, whatever the period is set to later', async () => {
    // Day 0 and day 10: two unlocks of one customer; the second, within the 30-day period, acknowledged.
    app = await createTestApp()
    await app.loginAs('teller1', 'counter')
    await app.loginAs('super1', 'sup')
    await app.loginAs('admin1', 'adm')
    const c = customersIn(app.ctx, 'blocked')[0]!
    const block = async (on: string) =>
      app.ok('events.record', { customerId: c.id, customerVersion: customerRow(app.ctx, c.id).version, kind: 'blocked', occurredOn: on, source: 'centre' }, 'counter')
    const later = async (days: number) => {
      app.clock.now = new Date(app.clock.now.getTime() + days * 86400_000)
      for (const [id, key] of [['teller1', 'counter'], ['super1', 'sup'], ['admin1', 'adm']] as const) await app.loginAs(id, key)
    }
    const first = await app.ok('requests.receiveUnlock', unlockForm(c), 'counter')
    await app.ok('requests.decideUnlock', decide(first.id, first.version), 'counter')
    await later(10)
    await block('2026-12-01')
    const second = await app.ok('requests.receiveUnlock', { ...unlockForm(c), applicationDate: '2026-12-01' }, 'counter')
    await app.ok('requests.decideUnlock', decide(second.id, second.version, { acknowledgeRepeat: true }), 'counter')
    const recordOf = async (requestId: number) => pdfText((await app.ok('forms.preview', { form: 'handling_record', requestId }, 'sup')).pdfBase64)
    const journalOf = async (businessDate: string) => pdfText((await app.ok('forms.previewDailyJournal', { businessDate }, 'sup')).pdfBase64)
    const acknowledged = '過去30日以内にこのお客さまの閉塞解除が1回あります'
    expect(await recordOf(second.id)).toContain(acknowledged)
    expect(await recordOf(second.id)).toContain('【役席確認済】')

    // The period shortened to 5 days: the second unlock's acknowledgement is still on its forms.
    await app.ok('settings.update', { unlockRepeatDays: 5 }, 'adm')
    expect(await recordOf(second.id)).toContain(acknowledged)
    expect(await journalOf('2026-12-01')).toContain('30日以内に2回目の閉塞解除（役席確認済）')

    // Day 16: a third unlock, no repeat under the 5-day period. Then the period is widened to 30
    // days again: the third's forms do not now claim a repeat that no supervisor was asked about.
    await later(6)
    await block('2026-12-07')
    const third = await app.ok('requests.receiveUnlock', { ...unlockForm(c), applicationDate: '2026-12-07' }, 'counter')
    expect(third.repeatUnlock).toBeNull()
    await app.ok('requests.decideUnlock', decide(third.id, third.version), 'counter')
    await app.ok('settings.update', { unlockRepeatDays: 30 }, 'adm')
    const record = await recordOf(third.id)
    expect(record).toContain('繰り返しの閉塞解除：なし')
    expect(record).not.toContain('役席未確認')
    const journal = await journalOf('2026-12-07')
    expect(journal).toContain(third.receiptNo)
    expect(journal).not.toContain('回目の閉塞解除')
    expect(app.ctx.sqlite.prepare('SELECT id, repeat_unlock_acknowledged AS ack, repeat_unlock_count AS n, repeat_unlock_days AS d FROM otp_requests WHERE id IN (?, ?, ?) ORDER BY id').all(first.id, second.id, third.id)).toEqual([
      { id: first.id, ack: null, n: null, d: null },
      { id: second.id, ack: 1, n: 1, d: 30 },
      { id: third.id, ack: null, n: null, d: null },
    ])
  })

  it('a request of another branch has no forms for this branch’s staff, and nothing is recorded', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const req = await receiveOne()
    app.ctx.sqlite.prepare("INSERT OR IGNORE INTO branches(code, name) VALUES ('002', '駅前支店')").run()
    app.ctx.sqlite.prepare("UPDATE staff SET branch_id = (SELECT id FROM branches WHERE code = '002') WHERE login_id = 'teller2'").run()
    await app.loginAs('teller2', 'other')
    for (const op of ['forms.preview', 'forms.print']) {
      const e = await app.err(op, { form: 'customer_receipt', requestId: req.id }, 'other')
      expect(e).toMatchObject({ code: 'OTHER_BRANCH_REQUEST', message: '他店の依頼は取り扱えません。' })
    }
    expect(printed()).toHaveLength(0)
    expect(formAudit().filter((a) => a.outcome === 'refused').map((a) => [a.action, a.actor_login_id])).toEqual([['forms.print', 'teller2']])
  })

  it('a day without requests prints an empty journal, not an error', async () => {
    app = await createTestApp()
    await app.loginAs('super1', 'sup')
    const empty = await app.ok('forms.printDailyJournal', { businessDate: '2026-10-01' }, 'sup')
    expect(pdfText(empty.pdfBase64)).toContain('令和8年10月1日')
    expect(printed()).toHaveLength(1)
  })
})

describe('printing under pressure', () => {
  it('two prints at once both succeed, and exactly one of them is the first', async () => {
    app = await createTestApp()
    await app.loginAs('teller1', 'a')
    await app.loginAs('teller2', 'b')
    const req = await receiveOne('a')
    const [x, y] = await Promise.all([
      app.ok('forms.print', { form: 'customer_receipt', requestId: req.id }, 'a'),
      app.ok('forms.print', { form: 'customer_receipt', requestId: req.id }, 'b'),
    ])
    expect([x.reprint, y.reprint].sort()).toEqual([false, true])
    expect(printed().map((p) => p.reprint).sort()).toEqual([0, 1])
    // The loser rendered again: what it returned (and archived) says 再発行, the winner's does not.
    const [winner, loser] = x.reprint ? [y, x] : [x, y]
    expect(pdfText(loser.pdfBase64)).toContain('再発行（1回目）')
    expect(pdfText(winner.pdfBase64)).not.toContain('再発行')
    for (const p of [winner, loser])
      expect(createHash('sha256').update(fs.readFileSync(archivedFile(app.dir, p.archivedAs))).digest('hex')).toBe(p.sha256)
    for (const row of printed()) expect(fs.existsSync(path.join(app.dir, row.file_path))).toBe(true)
  })

  it('a file left behind by an interrupted print does not block the next print', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const req = await receiveOne()
    const first = await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id })
    // Simulate a crash after the file was written but before it was recorded: remove the record.
    const rel = printed()[0]!.file_path
    app.ctx.sqlite.prepare('DELETE FROM printed_forms').run()
    expect(fs.existsSync(path.join(app.dir, rel))).toBe(true)
    const again = await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id })
    expect(again.sha256).toBe(first.sha256)
    expect(printed()).toHaveLength(1)
  })

  it('a print whose recording fails leaves no file in the archive and reports an error', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const req = await receiveOne()
    // The ledger refuses the print row (as a full disk or a damaged file would).
    app.ctx.sqlite.exec("CREATE TEMP TRIGGER no_prints BEFORE INSERT ON printed_forms BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    const e = await app.err('forms.print', { form: 'customer_receipt', requestId: req.id })
    expect(e.code).toBe('INTERNAL')
    expect(printed()).toHaveLength(0)
    const formsDir = path.join(app.dir, 'forms')
    const files = fs.existsSync(formsDir) ? fs.readdirSync(formsDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()) : []
    expect(files).toEqual([])
    app.ctx.sqlite.exec('DROP TRIGGER no_prints')
    const ok = await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id })
    expect(ok.reprint).toBe(false)
    // Stored with '/' whatever the system, so a backup read elsewhere finds the file.
    expect(ok.archivedAs).toMatch(new RegExp(`^forms/\\d{4}/\\d{2}/${req.receiptNo}_お客さま控_[0-9a-f]{12}\\.pdf$`))
  })
})

describe('the archive of printed PDFs', () => {
  it('finds a recorded print whether its path was stored with / or with \\', () => {
    expect(archivedFile('/data', 'forms/2026/11/a.pdf')).toBe(path.join('/data', 'forms', '2026', '11', 'a.pdf'))
    expect(archivedFile('/data', 'forms\\2026\\11\\a.pdf')).toBe(path.join('/data', 'forms', '2026', '11', 'a.pdf'))
  })

  it('a backup with --out copies the recorded PDFs, only the new ones, and reports an altered one', async () => {
    app = await createTestApp()
    await app.loginAs('teller1')
    const req = await receiveOne()
    await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id })
    await app.ok('forms.print', { form: 'handling_record', requestId: req.id })
    const out = fs.mkdtempSync(path.join(app.dir, '..', 'otp-backup-'))
    const backup = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', `--data-dir=${app.dir}`, `--out=${out}`], { encoding: 'utf8' })

    const first = backup()
    expect(first.status, first.stderr).toBe(0)
    expect(first.stdout).toContain('Archived PDFs: 2 recorded, 2 copied')
    for (const p of printed()) expect(fs.readFileSync(path.join(out, p.file_path))).toEqual(fs.readFileSync(path.join(app.dir, p.file_path)))
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1)

    await app.ok('forms.print', { form: 'customer_receipt', requestId: req.id })
    const second = backup()
    expect(second.status, second.stderr).toBe(0)
    expect(second.stdout).toContain('Archived PDFs: 3 recorded, 1 copied')

    // Someone edits an archived PDF: the ledger's hash no longer matches, and the backup says so.
    const altered = printed()[0]!.file_path
    fs.appendFileSync(path.join(app.dir, altered), '%tampered\n')
    const third = backup()
    expect(third.status).toBe(1)
    expect(third.stderr).toContain(`ALTERED  ${altered}`)
    expect(checkArchive(recordedPrints(app.ctx.sqlite), app.dir)).toMatchObject({ ok: 2, missing: [], mismatched: [altered] })
  })
})
