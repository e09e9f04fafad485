// 監査ログ照会 (issue 15) on a real ledger with two branches: who sees which entries, every filter,
// the order of the pages, the CSV export, and that reading the trail, exporting it and opening a
// 取扱記録票 preview are on the trail themselves. Then refusals: a logged-in user's malformed call
// is recorded (field names, never the values), and a flood of them is counted, not written row by
// row, so the counter's next reception is not slowed down.
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEntrySummary, AuditPage } from '../../shared/auditLog'
import { flushRefusals, REFUSAL_WINDOW_MS } from '../../electron/main/refusals'
import { createTestApp, type TestApp } from '../helpers/app'
import { customersIn, newApplicationForm, suspensionForm } from '../helpers/forms'

let app: TestApp
const period = { from: '2026-11-01', to: '2026-11-30' }

/** A second branch (002) with its own teller and supervisor, logged in as 'teller2b' / 'super2b'. */
async function secondBranch(): Promise<void> {
  const db = app.ctx.sqlite
  db.prepare("INSERT OR IGNORE INTO branches(code, name) VALUES ('002', '駅前支店')").run()
  const hash = (db.prepare("SELECT password_hash AS h FROM staff WHERE login_id = 'super1'").get() as { h: string }).h
  const ins = db.prepare("INSERT INTO staff(login_id, login_key, name, role, branch_id, password_hash, created_at) VALUES (?, ?, ?, ?, (SELECT id FROM branches WHERE code = '002'), ?, 'x')")
  ins.run('teller2b', 'teller2b', '駅前 花子', 'teller', hash)
  ins.run('super2b', 'super2b', '駅前 次郎', 'supervisor', hash)
  await app.loginAs('teller2b', 'teller2b')
  await app.loginAs('super2b', 'super2b')
}

beforeEach(async () => {
  app = await createTestApp()
  await app.loginAs('teller1', 'teller')
  await app.loginAs('super1', 'super')
  await app.loginAs('admin1', 'admin')
  await secondBranch()
})
afterEach(() => app.close())

async function allPages(input: Record<string, unknown>, key: string): Promise<AuditEntrySummary[]> {
  const out: AuditEntrySummary[] = []
  let cursor: { at: string; id: number } | null = null
  for (let i = 0; i < 100; i++) {
    const p: AuditPage = await app.ok('audit.search', { ...period, ...input, ...(cursor ? { cursor } : {}) } as never, key)
    out.push(...p.entries)
    if (!p.next) return out
    cursor = p.next
  }
  throw new Error('too many pages')
}

/** A day at both branches: 001 receives two requests (one approved), 002 receives one. */
async function aDay() {
  const [a, b, c] = customersIn(app.ctx, 'unregistered')
  const inUse = customersIn(app.ctx, 'in_use')[0]!
  const r1 = await app.ok('requests.receiveNewApplication', newApplicationForm(a!), 'teller')
  const r2 = await app.ok('requests.receiveSuspension', suspensionForm(inUse), 'teller')
  app.clock.now = new Date('2026-11-21T01:10:00Z')
  await app.ok('requests.approve', { requestId: r1.id, version: r1.version }, 'super')
  const r3 = await app.ok('requests.receiveNewApplication', newApplicationForm(b!), 'teller2b')
  // Refusals at 001: a teller may not approve (the dispatcher refuses the role), and a withdrawal
  // of an older version of a request (the service refuses it, naming the request).
  await app.err('requests.approve', { requestId: r2.id, version: r2.version }, 'teller')
  await app.err('requests.withdraw', { requestId: r2.id, version: r2.version + 5, reason: 'お客さまのお申し出' }, 'teller')
  return { r1, r2, r3, a: a!, b: b!, c: c!, inUse }
}

describe('監査ログ照会: scope', () => {
  it('a supervisor sees their branch only, an administrator every branch, a teller nothing', async () => {
    const { r3 } = await aDay()
    const own = await allPages({}, 'super')
    expect(own.length).toBeGreaterThan(3)
    expect(new Set(own.map((e) => e.branchCode))).toEqual(new Set(['001']))
    expect(own.some((e) => e.actorLoginId === 'teller2b' || e.actorLoginId === 'super2b')).toBe(false)
    const other = await allPages({}, 'super2b')
    expect(new Set(other.map((e) => e.branchCode))).toEqual(new Set(['002']))
    expect(other.some((e) => e.receiptNo === r3.receiptNo)).toBe(true)
    const all = await allPages({}, 'admin')
    expect(new Set(all.map((e) => e.branchCode))).toEqual(new Set(['001', '002']))
    const total = (app.ctx.sqlite.prepare("SELECT count(*) AS n FROM audit_log WHERE at >= '2026-10-31T15:00:00Z'").get() as { n: number }).n
    expect(all.length).toBeLessThanOrEqual(total) // the searches themselves were recorded after each page
    expect(all.length).toBeGreaterThanOrEqual(own.length + other.length)

    // Another branch's entry is answered as missing, and the attempt is recorded.
    const foreign = other.find((e) => e.receiptNo === r3.receiptNo)!
    expect((await app.err('audit.entry', { entryId: foreign.id }, 'super')).code).toBe('AUDIT_ENTRY_NOT_FOUND')
    expect((await app.ok('audit.entry', { entryId: foreign.id }, 'admin')).receiptNo).toBe(r3.receiptNo)
    expect((await app.err('audit.search', { ...period, branchCode: '002' }, 'super')).fields).toEqual({ branchCode: '他の店の記録は照会できません' })
    expect((await app.ok('audit.search', { ...period, branchCode: '002' }, 'admin')).entries.every((e) => e.branchCode === '002')).toBe(true)

    expect((await app.err('audit.search', period, 'teller')).code).toBe('FORBIDDEN_ROLE')
    expect((await app.err('exports.audit', { ...period, encoding: 'cp932' }, 'teller')).code).toBe('FORBIDDEN_ROLE')
    const refused = app.ctx.sqlite
      .prepare("SELECT action, detail_json FROM audit_log WHERE outcome = 'refused' AND actor_login_id IN ('teller', 'teller1', 'super1') ORDER BY id")
      .all() as { action: string; detail_json: string }[]
    expect(refused.map((r) => [r.action, JSON.parse(r.detail_json).reason])).toEqual(
      expect.arrayContaining([
        ['audit.entry', 'AUDIT_ENTRY_NOT_FOUND'],
        ['audit.search', 'FORBIDDEN_ROLE'],
        ['exports.audit', 'FORBIDDEN_ROLE'],
      ]),
    )
  })
})

describe('監査ログ照会: filters and pages', () => {
  it('each filter finds exactly its entries', async () => {
    const { r1, r2, a, inUse } = await aDay()
    const bySql = (where: string, ...args: unknown[]) =>
      (app.ctx.sqlite.prepare(`SELECT id FROM audit_log WHERE branch_id = 1 AND ${where} ORDER BY at DESC, id DESC`).all(...args) as { id: number }[]).map((r) => r.id)
    const ids = async (f: Record<string, unknown>) => (await allPages(f, 'super')).map((e) => e.id)
    // Counted before the searches below add their own rows.
    const expected = {
      staff: bySql("actor_login_id = 'teller1'"),
      action: bySql("action = 'requests.approve'"),
      refused: bySql("outcome = 'refused'"),
      customer: bySql('customer_id = ?', inUse.id),
      request: bySql('request_id = ?', r1.id),
    }
    expect(await ids({ staffLoginId: 'ｔｅｌｌｅｒ１' })).toEqual(expected.staff) // full width, as typed
    expect(expected.staff.length).toBeGreaterThanOrEqual(3)
    expect(await ids({ action: 'requests.approve' })).toEqual(expected.action)
    expect(expected.action.length).toBe(2) // one approved, one refused (the teller's role)
    expect(await ids({ outcome: 'refused' })).toEqual(expected.refused)
    expect(await ids({ customerId: inUse.id })).toEqual(expected.customer)
    expect(expected.customer.length).toBe(2) // its suspension received, then the refused withdrawal
    expect(await ids({ accountBranchCode: inUse.account_branch_code, accountNumber: inUse.account_number })).toEqual(expected.customer)
    expect(await ids({ receiptNo: r1.receiptNo })).toEqual(expected.request)
    const r1Entries = await allPages({ receiptNo: r1.receiptNo }, 'super')
    expect(r1Entries.map((e) => [e.action, e.outcome, e.customerId])).toEqual([
      ['requests.approve', 'ok', a.id],
      ['requests.receiveNewApplication', 'ok', a.id],
    ])
    // Several at once; a period that excludes the day; names that do not exist.
    const combo = await allPages({ staffLoginId: 'teller1', outcome: 'refused', receiptNo: r2.receiptNo }, 'super')
    expect(combo.map((e) => [e.action, e.reason])).toEqual([['requests.withdraw', 'STALE_VERSION']])
    expect(await ids({ from: '2026-11-22', to: '2026-11-30' })).toEqual([])
    expect(await ids({ from: '2026-11-21', to: '2026-11-21', action: 'requests.approve' })).toEqual(expected.action)
    expect(await ids({ staffLoginId: 'nobody' })).toEqual([])
    expect(await ids({ receiptNo: '001-20261121-0099' })).toEqual([])
    expect((await app.err('audit.search', { ...period, accountNumber: '1234567' }, 'super')).fields).toHaveProperty('accountNumber')
  })

  it('pages run newest first without a gap or a repeat, entries of the same instant included', async () => {
    // The administrator's own searches are entries of branch 001 too: 130 at one instant (the clock
    // stands still), then 20 later.
    for (let i = 0; i < 130; i++) await app.ok('audit.search', { ...period, action: 'auth.lockout' }, 'admin')
    app.clock.now = new Date('2026-11-21T01:20:00Z')
    for (let i = 0; i < 20; i++) await app.ok('audit.search', { ...period, action: 'auth.lockout' }, 'admin')
    const truth = (app.ctx.sqlite.prepare("SELECT id FROM audit_log WHERE branch_id = 1 AND actor_login_id = 'admin1' ORDER BY at DESC, id DESC").all() as { id: number }[]).map((r) => r.id)
    const first = await app.ok('audit.search', { ...period, staffLoginId: 'admin1' }, 'super')
    expect(first.entries).toHaveLength(50)
    expect(first.next).toEqual({ at: first.entries[49]!.at, id: first.entries[49]!.id })
    const pages = await allPages({ staffLoginId: 'admin1' }, 'super')
    expect(pages.map((e) => e.id)).toEqual(truth)
    expect(truth.length).toBeGreaterThan(150)
    expect(pages[0]!.at).toBe('2026-11-21T01:20:00.000Z')
  })
})

describe('監査ログ照会: what is recorded, and the export', () => {
  it('searching, opening an entry, exporting and a 取扱記録票 preview leave entries; other previews do not', async () => {
    const { r1 } = await aDay()
    const before = (app.ctx.sqlite.prepare('SELECT max(id) AS m FROM audit_log').get() as { m: number }).m
    const page = await app.ok('audit.search', { ...period, outcome: 'refused' }, 'super')
    await app.ok('audit.entry', { entryId: page.entries[0]!.id }, 'super')
    await app.ok('forms.preview', { form: 'handling_record', requestId: r1.id }, 'teller')
    await app.ok('forms.preview', { form: 'customer_receipt', requestId: r1.id }, 'teller')
    const csv = await app.ok('exports.audit', { ...period, encoding: 'utf-8-bom' }, 'super')
    const rows = app.ctx.sqlite
      .prepare('SELECT action, outcome, actor_login_id, target, request_id, customer_id, branch_id, detail_json FROM audit_log WHERE id > ? ORDER BY id')
      .all(before) as { action: string; detail_json: string; request_id: number | null; customer_id: number | null; target: string | null }[]
    expect(rows.map((r) => r.action)).toEqual(['audit.search', 'audit.entry', 'forms.preview', 'exports.audit'])
    expect(JSON.parse(rows[0]!.detail_json)).toEqual({ filter: { ...period, outcome: 'refused' }, page: 'first', rows: page.entries.length })
    expect(rows[1]).toMatchObject({ target: `audit:${page.entries[0]!.id}` })
    expect(rows[2]).toMatchObject({ request_id: r1.id, customer_id: r1.customerId, target: `request:${r1.id}` })
    expect(JSON.parse(rows[2]!.detail_json)).toMatchObject({ formKind: 'handling_record', receiptNo: r1.receiptNo })
    expect(JSON.parse(rows[3]!.detail_json)).toMatchObject({ filter: period, rowCount: csv.rowCount, encoding: 'utf-8-bom' })
  })

  for (const enc of ['cp932', 'utf-8-bom'] as const) {
    it(`exports the screen's entries as CSV in ${enc}, newest first, with Japanese labels and the readable detail`, async () => {
      const { r1, a } = await aDay()
      const shown = await allPages({}, 'super')
      const r = await app.ok('exports.audit', { ...period, encoding: enc }, 'super')
      expect(r).toMatchObject({ fileName: '監査ログ_20261101-20261130_001.csv', saved: false, cancelled: false })
      const bytes = Buffer.from(r.contentBase64!, 'base64')
      if (enc === 'utf-8-bom') expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      const text = enc === 'cp932' ? iconv.decode(bytes, 'cp932') : bytes.subarray(3).toString('utf8')
      expect(text).not.toContain('\uFFFD')
      expect(text).toContain('\r\n')
      const csv = parse(text) as string[][]
      expect(csv[0]).toEqual(['記録番号', '日時', '店番', '職員ID', '職員名', '操作', '操作コード', '結果', '受付番号', '店番（口座）', '預金種目', '口座番号', '氏名', '内容', '内容（記録のまま）'])
      // What the screen listed, plus the last search the export ran after: same order, own branch only.
      const body = csv.slice(1)
      expect(body.map((x) => Number(x[0]))).toEqual([...new Set([...body.map((x) => Number(x[0]))])])
      expect(body.map((x) => Number(x[0])).slice(-shown.length)).toEqual(shown.map((e) => e.id))
      expect(body.every((x) => x[2] === '001')).toBe(true)
      const approval = body.find((x) => x[6] === 'requests.approve' && x[7] === '成功')!
      expect(approval.slice(1, 13)).toEqual(['2026/11/21 10:10:00', '001', 'super1', '高橋 健一', '検印・承認', 'requests.approve', '成功', r1.receiptNo, a.account_branch_code, '普通', a.account_number, a.name_kanji])
      expect(approval[13]).toContain('変更前：未登録 / 変更後：発行待ち')
      const refused = body.find((x) => x[7] === '拒否' && x[6] === 'requests.approve')!
      expect(refused[13]).toContain('理由：この操作を行う権限がありません。（FORBIDDEN_ROLE）')
    })
  }
})

describe('refusals of a logged-in user', () => {
  it('a malformed call is recorded with its field names, never what was typed; without a session nothing is written', async () => {
    const before = (app.ctx.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n
    const secret = 'ひみつ太郎0000001'
    const e = await app.err('requests.receiveNewApplication', { customerId: 1, nameKanji: secret, birthDate: 'not-a-date' }, 'teller')
    expect(e.code).toBe('VALIDATION_FAILED')
    await app.err('requests.receiveNewApplication', { customerId: 1, nameKanji: secret }, 'nobody')
    const rows = app.ctx.sqlite.prepare('SELECT * FROM audit_log WHERE id > (SELECT max(id) - 5 FROM audit_log) AND outcome = ? ORDER BY id').all('refused') as {
      action: string
      actor_login_id: string
      detail_json: string
      branch_id: number
    }[]
    expect((app.ctx.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n).toBe(before + 1)
    const row = rows[rows.length - 1]!
    expect(row).toMatchObject({ action: 'requests.receiveNewApplication', actor_login_id: 'teller1', branch_id: 1 })
    const detail = JSON.parse(row.detail_json)
    expect(detail.reason).toBe('VALIDATION_FAILED')
    expect(detail.fields).toEqual(expect.arrayContaining(Object.keys(e.fields!)))
    expect(detail.fields).toContain('birthDate')
    expect(row.detail_json).not.toContain('ひみつ')
    expect(row.detail_json).not.toContain('not-a-date')
    // The audit screen shows it.
    const page = await app.ok('audit.search', { ...period, outcome: 'refused', staffLoginId: 'teller1' }, 'super')
    expect(page.entries[0]).toMatchObject({ action: 'requests.receiveNewApplication', reason: 'VALIDATION_FAILED' })
  })

  it('a flood of 10,000 malformed calls writes two rows with the count, and the counters are not held up by it', async () => {
    // Not timed here (times belong to benchmarks): what keeps a flood from slowing the counters is
    // that it writes nothing per call — one row at once, the repeats counted in memory.
    const [c1, c2] = customersIn(app.ctx, 'unregistered')
    await app.ok('requests.receiveNewApplication', newApplicationForm(c1!), 'teller')
    const count = (table: string) => (app.ctx.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    const before = { audit: count('audit_log'), journal: count('ledger_journal') }
    for (let i = 0; i < 10_000; i++) await app.raw('requests.withdraw', { requestId: 'x', version: 1, reason: '取消' }, 'teller')
    expect(count('audit_log')).toBe(before.audit + 1) // the first, at once; the rest counted in memory
    expect(count('ledger_journal')).toBe(before.journal + 1) // one write transaction in all
    // The counter goes on at once: a reception in the middle of the window is accepted.
    await app.ok('requests.receiveNewApplication', newApplicationForm(c2!), 'teller')

    // The window passes: the next such refusal writes the count, then opens a new window.
    app.clock.now = new Date(app.clock.now.getTime() + REFUSAL_WINDOW_MS)
    await app.raw('requests.withdraw', { requestId: 'x', version: 1, reason: '取消' }, 'teller')
    await flushRefusals(app.ctx)
    const rows = app.ctx.sqlite.prepare("SELECT detail_json FROM audit_log WHERE action = 'requests.withdraw' AND outcome = 'refused' ORDER BY id").all() as { detail_json: string }[]
    expect(rows.map((r) => JSON.parse(r.detail_json))).toEqual([
      { reason: 'VALIDATION_FAILED', fields: ['requestId'] },
      { reason: 'VALIDATION_FAILED', fields: ['requestId'], repeats: 9_999, firstRepeatAt: expect.any(String), lastRepeatAt: expect.any(String) },
      { reason: 'VALIDATION_FAILED', fields: ['requestId'] },
    ])
  }, 120_000)
})
