// CSV exports and the 集計 figures on a real ledger with real requests: read back with csv-parse
// (the library that writes them is csv-stringify, of the same project), in both encodings;
// formula cells neutralised; every export audited; figures computed by SQL checked against
// figures worked out by hand.
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExportResult } from '../../shared/exportFormat'
import { auditRows, createTestApp, type TestApp } from '../helpers/app'
import { customersIn, newApplicationForm } from '../helpers/forms'
import { CUSTOMER_MAPPING, runImport, stage, writeFile } from '../helpers/importFiles'
import type { CustomerImportReport } from '../../shared/importFormat'

let app: TestApp
beforeEach(async () => {
  app = await createTestApp()
  await app.loginAs('teller1', 'teller')
  await app.loginAs('super1', 'super')
  await app.loginAs('admin1', 'admin')
})
afterEach(() => app.close())

function read(r: ExportResult, enc: 'cp932' | 'utf-8-bom'): string[][] {
  const bytes = Buffer.from(r.contentBase64!, 'base64')
  if (enc === 'utf-8-bom') expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const text = enc === 'cp932' ? iconv.decode(bytes, 'cp932') : bytes.subarray(3).toString('utf8')
  expect(text).not.toContain('\uFFFD')
  return parse(text, { relax_column_count: false }) as string[][]
}

/** Three 新規申込 received on 11/21, two approved 10 and 25 minutes after their reception; one returned. */
async function someRequests(): Promise<void> {
  const cs = customersIn(app.ctx, 'unregistered')
  const t0 = new Date('2026-11-21T01:00:00Z')
  const reqs = []
  for (let i = 0; i < 3; i++) {
    app.clock.now = new Date(t0.getTime() + i * 60_000)
    reqs.push(await app.ok('requests.receiveNewApplication', newApplicationForm(cs[i]!), 'teller'))
  }
  app.clock.now = new Date(Date.parse(reqs[0]!.receivedAt) + 10 * 60_000)
  await app.ok('requests.approve', { requestId: reqs[0]!.id, version: reqs[0]!.version }, 'super')
  app.clock.now = new Date(Date.parse(reqs[1]!.receivedAt) + 25 * 60_000)
  await app.ok('requests.approve', { requestId: reqs[1]!.id, version: reqs[1]!.version }, 'super')
  await app.ok('requests.return', { requestId: reqs[2]!.id, version: reqs[2]!.version, reason: '記入漏れ' }, 'super')
}

describe('exports', () => {
  for (const enc of ['cp932', 'utf-8-bom'] as const) {
    it(`the requests of a period read back in ${enc}, filtered by kind and state, audited with filter and row count`, async () => {
      await someRequests()
      const all = await app.ok('exports.requests', { from: '2026-11-01', to: '2026-11-30', encoding: enc }, 'super')
      expect(all).toMatchObject({ rowCount: 3, saved: false, cancelled: false, fileName: '依頼一覧_20261101-20261130_001.csv' }) // a supervisor's: their branch
      const rows = read(all, enc)
      expect(rows[0]!.slice(0, 6)).toEqual(['受付番号', '受付日', '店番', '店名', '依頼種別', '状態'])
      expect(rows.slice(1).map((r) => [r[0], r[4], r[5]])).toEqual([
        ['001-20261121-0001', '新規申込', '承認'],
        ['001-20261121-0002', '新規申込', '承認'],
        ['001-20261121-0003', '新規申込', '差戻し'],
      ])
      expect(rows[3]![15]).toBe('記入漏れ')
      const returned = await app.ok('exports.requests', { from: '2026-11-01', to: '2026-11-30', state: 'returned', kind: 'new_application', encoding: enc }, 'super')
      expect(returned.rowCount).toBe(1)
      const none = await app.ok('exports.requests', { from: '2026-10-01', to: '2026-10-31', encoding: enc }, 'super')
      expect(read(none, enc)).toHaveLength(1) // the header only
      const audit = auditRows(app.ctx).filter((a) => a.action === 'exports.requests').map((a) => JSON.parse(a.detail_json!))
      expect(audit[1]).toMatchObject({ rowCount: 1, encoding: enc, filter: { from: '2026-11-01', to: '2026-11-30', kind: 'new_application', state: 'returned' } })
    })
  }

  it('the day\'s journal data holds the caller\'s branch and that day only', async () => {
    await someRequests()
    const r = await app.ok('exports.journal', { businessDate: '2026-11-21', encoding: 'cp932' }, 'super')
    expect(r).toMatchObject({ rowCount: 3, fileName: '日次取扱一覧データ_001_20261121.csv' })
    expect((await app.ok('exports.journal', { businessDate: '2026-11-20', encoding: 'cp932' }, 'super')).rowCount).toBe(0)
  })

  it('neutralises cells a spreadsheet would run as a formula', async () => {
    app.ctx.sqlite.prepare("UPDATE customers SET name_kanji = '=HYPERLINK(\"http://x\")', address = '+81 秋田', phone = '@SUM(A1)' WHERE id = 1").run()
    app.ctx.sqlite.prepare("UPDATE customers SET name_kanji = '-2+3', address = '\t=1' WHERE id = 2").run()
    const r = await app.ok('exports.customers', { encoding: 'utf-8-bom' }, 'admin')
    const rows = read(r, 'utf-8-bom')
    const byAccount = new Map(rows.map((x) => [x[2], x]))
    const c1 = app.ctx.sqlite.prepare('SELECT account_number FROM customers WHERE id = 1').pluck().get() as string
    const c2 = app.ctx.sqlite.prepare('SELECT account_number FROM customers WHERE id = 2').pluck().get() as string
    expect(byAccount.get(c1)!.slice(3, 9)).toEqual(["'=HYPERLINK(\"http://x\")", 'タナカ　ハナコ', '1950-01-01', '010-0001', "'+81 秋田", "'@SUM(A1)"])
    expect(byAccount.get(c2)![3]).toBe("'-2+3")
    expect(byAccount.get(c2)![7]).toBe("'\t=1")
  })

  it('the customer list round-trips: imported again it changes nothing', async () => {
    const r = await app.ok('exports.customers', { encoding: 'cp932' }, 'admin')
    expect(r.rowCount).toBe(50)
    const file = writeFile(app.dir, r.fileName, Buffer.from(r.contentBase64!, 'base64'))
    const stagingId = await stage(app.ctx, file)
    const mapping = { ...CUSTOMER_MAPPING, accountType: '預金種目', nameKanji: '氏名', nameKana: 'フリガナ' }
    const job = await runImport(app, { stagingId, kind: 'customers', mapping, fullExtract: true, mode: 'dry_run' }, 'admin')
    expect((job.report as CustomerImportReport).counts).toEqual({ new: 0, changed: 0, unchanged: 50, refused: 0, missing: 0, closed: 0 })
  })

  it('in Electron the main process asks where to save and writes the file there; a cancelled dialog writes and audits nothing', async () => {
    const target = path.join(app.dir, 'chosen', '顧客一覧.csv')
    fs.mkdirSync(path.dirname(target))
    let answer: string | null = target
    const asked: string[] = []
    // The operating system's dialogs are Electron's; here they answer as a user would.
    app.ctx.fileDialogs = {
      chooseOpen: async () => path.join(app.dir, 'x.csv'),
      chooseSave: async (o) => (asked.push(o.defaultName), answer),
    }
    const r = await app.ok('exports.customers', { encoding: 'utf-8-bom' }, 'admin')
    expect(r).toMatchObject({ saved: true, cancelled: false, rowCount: 50, contentBase64: null })
    expect(asked[0]).toMatch(/^顧客一覧_20261121\.csv$/)
    const rows = parse(fs.readFileSync(target, 'utf8').slice(1)) as string[][]
    expect(rows).toHaveLength(51)
    const audits = auditRows(app.ctx).filter((a) => a.action === 'exports.customers').length
    answer = null
    expect(await app.ok('exports.customers', { encoding: 'utf-8-bom' }, 'admin')).toMatchObject({ saved: false, cancelled: true })
    expect(auditRows(app.ctx).filter((a) => a.action === 'exports.customers')).toHaveLength(audits)
  })

  it('a teller may not export; a supervisor may not export the customer list', async () => {
    expect((await app.err('exports.requests', { from: '2026-11-01', to: '2026-11-30', encoding: 'cp932' }, 'teller')).code).toBe('FORBIDDEN_ROLE')
    expect((await app.err('exports.customers', { encoding: 'cp932' }, 'super')).code).toBe('FORBIDDEN_ROLE')
  })
})

describe('集計 figures', () => {
  it('counts by month, kind and branch, unlocks, and the approval time median and 90th percentile', async () => {
    await someRequests()
    const f = await app.ok('figures.summary', { from: '2026-11-01', to: '2026-11-30' }, 'super')
    expect(f.byMonth).toEqual([{ month: '2026-11', kind: 'new_application', count: 3 }])
    expect(f.byBranch).toEqual([{ branchCode: '001', branchName: '本店営業部', kind: 'new_application', count: 3 }])
    expect(f.unlocks).toEqual({ received: 0, approved: 0, repeated: 0 })
    // Approved 10 and 25 minutes after reception: nearest-rank median (rank 1 of 2) 10, p90 (rank 2) 25.
    expect(f.approval).toEqual([
      { kind: 'all', count: 2, medianMinutes: 10, p90Minutes: 25 },
      { kind: 'new_application', count: 2, medianMinutes: 10, p90Minutes: 25 },
    ])
    const empty = await app.ok('figures.summary', { from: '2025-01-01', to: '2025-12-31' }, 'super')
    expect(empty).toMatchObject({ byMonth: [], byBranch: [], approval: [] })
    const csv = await app.ok('exports.figures', { from: '2026-11-01', to: '2026-11-30', encoding: 'cp932' }, 'super')
    const rows = read(csv, 'cp932')
    expect(rows).toContainEqual(['受付から承認まで', 'すべて', '', '2', '10', '25'])
    expect(rows).toContainEqual(['月別', '2026-11', '新規申込', '3', '', ''])
  })

  it('the figures of a long period are aggregated through the business-date index', () => {
    const plan = app.ctx.sqlite
      .prepare("EXPLAIN QUERY PLAN SELECT substr(r.business_date, 1, 7) AS month, r.kind, count(*) FROM otp_requests r WHERE r.business_date BETWEEN '2020-01-01' AND '2026-12-31' GROUP BY month, r.kind")
      .all() as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/otp_requests_business_date_idx/)
  })
})
