// 集計 and the CSV exports on both engines (issue 12): the same scripted days run on the embedded
// SQLite ledger and on the shared PostgreSQL ledger, with the same clock, through the same
// dispatcher; the figures and every CSV file (requests, one day's journal data, customers,
// figures) are the same bytes on both. The exports are read a page at a time (keyset paging), so
// they are also compared with pages of a few rows, across page and business-date boundaries. The
// on-screen 日次取扱一覧 (journal.list: keyset pages, filters) is compared the same way.
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../db/seed'
import { exportPaging } from '../../electron/main/services/exports'
import type { OtpStatus } from '../../shared/status'
import { createTestApp, type AppCalls } from '../helpers/app'
import { newApplicationForm, baseForm, unlockForm, type CustomerRow } from '../helpers/forms'
import { createServerTestApp } from '../helpers/serverApp'
import type { AppContext } from '../../electron/main/context'

interface Day extends AppCalls {
  ctx: AppContext
  clock: { now: Date }
}

const customers = (a: Day, status: OtpStatus) =>
  a.ctx.ledger.rows<CustomerRow>(sql`SELECT * FROM customers WHERE otp_status = ${status} ORDER BY id`)
const customer = async (a: Day, id: number) => (await a.ctx.ledger.rows<CustomerRow>(sql`SELECT * FROM customers WHERE id = ${id}`))[0]!
const at = (iso: string, plusMs = 0) => new Date(Date.parse(iso) + plusMs)
const MIN = 60_000

async function loginAll(a: Day): Promise<void> {
  for (const [id, key] of [['teller1', 't'], ['super1', 's'], ['teller3', 't3'], ['super3', 's3'], ['honbu1', 'h'], ['admin1', 'a']] as const)
    await a.loginAs(id, key)
}

/**
 * 11/21: three 新規申込 at branch 001 (approved 10 min and 10 min 3 s after reception, the last
 * returned), a 解約 at branch 002 (approved after 7.5 min), a 閉塞解除 approved at the counter.
 * 12/01: the same customer blocked again and unlocked again (a repeat, acknowledged), and a
 * 新規申込 left pending.
 */
async function scriptedDays(a: Day): Promise<void> {
  a.clock.now = at('2026-11-21T01:00:00Z')
  await loginAll(a)
  const unregistered = await customers(a, 'unregistered')
  const inUse = await customers(a, 'in_use')
  const blocked = (await customers(a, 'blocked'))[0]!
  const news = []
  for (let i = 0; i < 3; i++) {
    a.clock.now = at('2026-11-21T01:00:00Z', i * MIN)
    news.push(await a.ok('requests.receiveNewApplication', newApplicationForm(unregistered[i]!), 't'))
  }
  a.clock.now = at('2026-11-21T01:05:00Z')
  const cancel = await a.ok('requests.receiveCancellation', baseForm(inUse[0]!), 't3')
  a.clock.now = at(news[0]!.receivedAt, 10 * MIN)
  await a.ok('requests.approve', { requestId: news[0]!.id, version: news[0]!.version }, 's')
  // 10 min 3 s = 10.05 min: one decimal, half up, on both engines.
  a.clock.now = at(news[1]!.receivedAt, 10 * MIN + 3_000)
  await a.ok('requests.approve', { requestId: news[1]!.id, version: news[1]!.version }, 's')
  await a.ok('requests.return', { requestId: news[2]!.id, version: news[2]!.version, reason: '記入漏れ' }, 's')
  a.clock.now = at(cancel.receivedAt, 7.5 * MIN)
  await a.ok('requests.approve', { requestId: cancel.id, version: cancel.version }, 's3')
  a.clock.now = at('2026-11-21T01:20:00Z')
  const decide = (requestId: number, version: number, over: Record<string, unknown> = {}) => ({
    requestId, version, supervisorLoginId: 'super1', supervisorPassword: DEMO_PASSWORD, decision: 'approve' as const, ...over,
  })
  const first = await a.ok('requests.receiveUnlock', unlockForm(blocked), 't')
  a.clock.now = at('2026-11-21T01:24:00Z')
  await a.ok('requests.decideUnlock', decide(first.id, first.version), 't')

  a.clock.now = at('2026-12-01T01:00:00Z')
  await loginAll(a)
  const again = await customer(a, blocked.id)
  await a.ok('events.record', { customerId: blocked.id, customerVersion: again.version, kind: 'blocked', occurredOn: '2026-12-01', source: 'centre' }, 't')
  const second = await a.ok('requests.receiveUnlock', { ...unlockForm(blocked), applicationDate: '2026-12-01' }, 't')
  expect(second.repeatUnlock).toMatchObject({ count: 1 })
  a.clock.now = at('2026-12-01T01:02:30Z')
  await a.ok('requests.decideUnlock', decide(second.id, second.version, { acknowledgeRepeat: true }), 't')
  await a.ok('requests.receiveNewApplication', newApplicationForm(unregistered[3]!, '2026-12-01'), 't')
}

/** Everything 集計 and the exports give, as each role sees it. */
async function reports(a: Day): Promise<Record<string, unknown>> {
  const period = { from: '2026-11-01', to: '2026-12-31' }
  const out: Record<string, unknown> = {}
  out.figuresAll = await a.ok('figures.summary', period, 'h')
  out.figures001 = await a.ok('figures.summary', period, 's')
  out.figures002 = await a.ok('figures.summary', { ...period, branchCode: '002' }, 'h')
  out.figuresNovember = await a.ok('figures.summary', { from: '2026-11-01', to: '2026-11-30' }, 'h')
  out.figuresEmpty = await a.ok('figures.summary', { from: '2025-01-01', to: '2025-12-31' }, 'h')
  out.figuresCsv = await a.ok('exports.figures', { ...period, encoding: 'cp932' }, 'h')
  out.figuresCsv001 = await a.ok('exports.figures', { ...period, encoding: 'utf-8-bom' }, 's')
  out.requestsAll = await a.ok('exports.requests', { ...period, encoding: 'utf-8-bom' }, 'h')
  out.requests002 = await a.ok('exports.requests', { ...period, branchCode: '002', encoding: 'cp932' }, 'h')
  out.requestsSupervisor = await a.ok('exports.requests', { ...period, encoding: 'cp932' }, 's')
  out.requestsFiltered = await a.ok('exports.requests', { ...period, kind: 'unlock', state: 'approved', encoding: 'utf-8-bom' }, 's')
  out.requestsNone = await a.ok('exports.requests', { from: '2026-10-01', to: '2026-10-31', encoding: 'utf-8-bom' }, 'h')
  out.journal = await a.ok('exports.journal', { businessDate: '2026-11-21', encoding: 'cp932' }, 's')
  out.journal002 = await a.ok('exports.journal', { businessDate: '2026-11-21', branchCode: '002', encoding: 'cp932' }, 'h')
  out.customersAll = await a.ok('exports.customers', { encoding: 'utf-8-bom' }, 'a')
  out.customers001 = await a.ok('exports.customers', { branchCode: '001', encoding: 'cp932' }, 'a')
  out.customers002 = await a.ok('exports.customers', { branchCode: '002', encoding: 'cp932' }, 'a')
  // The on-screen 日次取扱一覧: a page of two, the next one from its cursor, filtered, another branch.
  const page = await a.ok('journal.list', { businessDate: '2026-11-21', limit: 2 }, 's')
  out.journalList = [page, await a.ok('journal.list', { businessDate: '2026-11-21', limit: 2, cursor: page.nextCursor }, 's')]
  out.journalListFiltered = await a.ok('journal.list', { businessDate: '2026-11-21', state: 'approved', kind: 'new_application' }, 's')
  out.journalList002 = await a.ok('journal.list', { businessDate: '2026-11-21', branchCode: '002' }, 'h')
  return out
}

const csv = (r: unknown) => {
  const b = Buffer.from((r as { contentBase64: string }).contentBase64, 'base64')
  return (b[0] === 0xef ? b.subarray(3) : b).toString('utf8')
}

const results: Record<'sqlite' | 'postgres', { pages1000: Record<string, unknown>; pages3: Record<string, unknown> }> = {} as never

beforeAll(async () => {
  const lite = await createTestApp()
  const server = await createServerTestApp()
  try {
    for (const [name, a] of [['sqlite', lite], ['postgres', server]] as const) {
      await scriptedDays(a)
      a.clock.now = at('2026-12-02T01:00:00Z')
      await loginAll(a)
      exportPaging.rows = 1000
      const pages1000 = await reports(a)
      exportPaging.rows = 3
      const pages3 = await reports(a)
      results[name] = { pages1000, pages3 }
    }
  } finally {
    exportPaging.rows = 1000
    lite.close()
    await server.close()
  }
}, 240_000)

describe('集計 and the CSV exports on both engines', () => {
  it('the figures are what the scripted days make them', () => {
    const f = results.sqlite.pages1000.figuresAll
    expect(f).toMatchObject({
      byMonth: [
        { month: '2026-11', kind: 'new_application', count: 3 },
        { month: '2026-11', kind: 'cancellation', count: 1 },
        { month: '2026-11', kind: 'unlock', count: 1 },
        { month: '2026-12', kind: 'new_application', count: 1 },
        { month: '2026-12', kind: 'unlock', count: 1 },
      ].sort((x, y) => (x.month + x.kind < y.month + y.kind ? -1 : 1)),
      byBranch: [
        { branchCode: '001', branchName: '本店営業部', kind: 'new_application', count: 4 },
        { branchCode: '001', branchName: '本店営業部', kind: 'unlock', count: 2 },
        { branchCode: '002', branchName: '駅前支店', kind: 'cancellation', count: 1 },
      ],
      unlocks: { received: 2, approved: 2, repeated: 1 },
    })
    const approval = (f as { approval: unknown[] }).approval
    expect(approval).toContainEqual({ kind: 'new_application', count: 2, medianMinutes: 10, p90Minutes: 10.1 })
    expect(approval).toContainEqual({ kind: 'cancellation', count: 1, medianMinutes: 7.5, p90Minutes: 7.5 })
    expect(approval).toContainEqual({ kind: 'unlock', count: 2, medianMinutes: 2.5, p90Minutes: 4 })
    expect(approval[0]).toEqual({ kind: 'all', count: 5, medianMinutes: 7.5, p90Minutes: 10.1 })
    expect(results.sqlite.pages1000.figuresEmpty).toMatchObject({ byMonth: [], byBranch: [], approval: [], unlocks: { received: 0, approved: 0, repeated: 0 } })
  })

  it('the exports hold the rows of their filter, in business date and receipt number order', () => {
    const r = results.sqlite.pages1000
    const receipts = (k: string) => csv(r[k]).split('\r\n').slice(1, -1).map((l) => l.split(',')[0])
    expect(receipts('requestsAll')).toEqual([
      '001-20261121-0001', '001-20261121-0002', '001-20261121-0003', '001-20261121-0004', '002-20261121-0001', '001-20261201-0001', '001-20261201-0002',
    ])
    expect(receipts('requests002')).toEqual(['002-20261121-0001'])
    expect(receipts('requestsFiltered')).toEqual(['001-20261121-0004', '001-20261201-0001'])
    expect(receipts('journal')).toHaveLength(4)
    expect(r.requestsNone).toMatchObject({ rowCount: 0 })
    expect(r.customersAll).toMatchObject({ rowCount: 50 })
    expect(r.customers001).toMatchObject({ rowCount: 50 })
    expect(r.customers002).toMatchObject({ rowCount: 0 })
    const [first, second] = r.journalList as { items: { receiptNo: string }[]; total: number; nextCursor: string | null }[]
    expect([...first!.items, ...second!.items].map((i) => i.receiptNo)).toEqual(['001-20261121-0001', '001-20261121-0002', '001-20261121-0003', '001-20261121-0004'])
    expect([first!.total, second!.nextCursor]).toEqual([4, null])
    expect(r.journalListFiltered).toMatchObject({ total: 2, items: [{ receiptNo: '001-20261121-0001' }, { receiptNo: '001-20261121-0002' }] })
    expect(r.journalList002).toMatchObject({ total: 1, items: [{ receiptNo: '002-20261121-0001' }] })
  })

  it('SQLite and PostgreSQL give the same figures and the same files', () => {
    for (const k of Object.keys(results.sqlite.pages1000)) expect(results.postgres.pages1000[k], k).toEqual(results.sqlite.pages1000[k])
  })

  it('pages of three rows give the same files as pages of a thousand, on both engines', () => {
    for (const engine of ['sqlite', 'postgres'] as const)
      for (const k of Object.keys(results[engine].pages1000)) expect(results[engine].pages3[k], `${engine} ${k}`).toEqual(results[engine].pages1000[k])
  })
})
