// The suites that run on both engines (issue 12): the embedded SQLite ledger and the shared
// PostgreSQL ledger (a fresh database on the test server, a terminal as the application role).
// Both give an app whose calls go through the same dispatcher, and a snapshot of every business
// table read through the ledger itself, to assert that a refused call changed nothing.
import { sql } from 'drizzle-orm'
import type { AppContext } from '../../electron/main/context'
import type { OtpStatus } from '../../shared/status'
import { createTestApp, expectLedgerVerifies, type AppCalls } from './app'
import type { CustomerRow } from './forms'
import { createServerTestApp } from './serverApp'

export const ENGINES = ['sqlite', 'postgres'] as const
export type EngineName = (typeof ENGINES)[number]

export interface EngineApp extends AppCalls {
  engine: EngineName
  ctx: AppContext
  clock: { now: Date }
  /** Every row of every business table (audit rows left out: refusals are audited on purpose). */
  snapshot(except?: readonly string[]): Promise<string>
  /** A hand-written SELECT on the ledger (SQLite dialect; the server ledger translates it). */
  rows<T>(text: string, ...params: unknown[]): Promise<T[]>
  customersIn(status: OtpStatus): Promise<CustomerRow[]>
  customerRow(id: number): Promise<CustomerRow>
  auditRows(): Promise<Array<{ action: string; outcome: string; actor_login_id: string | null; detail_json: string | null }>>
  /** A write made behind the services, as a tool or an intruder would (not journaled). */
  behind(text: string, ...params: unknown[]): Promise<void>
  /** The journal verifies (SQLite: the full replay; the server: its chain) and no write escaped a
   * transaction (an entry headed 'ledger.unattributed'). */
  expectVerifies(): Promise<void>
  close(): Promise<void>
}

const TABLES = ['branches', 'staff', 'customers', 'otp_requests', 'otp_history', 'receipt_counters', 'printed_forms', 'settings']

export async function createEngineApp(engine: EngineName, opts: { now?: Date } = {}): Promise<EngineApp> {
  const lite = engine === 'sqlite' ? await createTestApp(opts) : null
  const server = lite ? null : await createServerTestApp(opts)
  const app = (lite ?? server)!
  const rows = <T>(text: string, ...params: unknown[]) => {
    // `?` placeholders in order, as drizzle's sql template binds them.
    const parts = text.split('?')
    const q = sql.join(parts.map((p, i) => (i < params.length ? sql`${sql.raw(p)}${params[i]}` : sql.raw(p))))
    return app.ctx.ledger.rows<T>(q)
  }
  return {
    ...app,
    engine,
    ctx: app.ctx,
    clock: app.clock,
    rows,
    customersIn: (status) => rows<CustomerRow>('SELECT * FROM customers WHERE otp_status = ? ORDER BY id', status),
    customerRow: async (id) => (await rows<CustomerRow>('SELECT * FROM customers WHERE id = ?', id))[0]!,
    auditRows: () => rows('SELECT * FROM audit_log ORDER BY id'),
    async behind(text, ...params) {
      if (lite) lite.ctx.sqlite.prepare(text).run(...params)
      else {
        let n = 0
        await server!.query(text.replace(/\?/g, () => `$${++n}`), params)
      }
    },
    async expectVerifies() {
      if (lite) return expectLedgerVerifies(lite.ctx)
      await server!.expectChainVerifies()
      const stray = await rows<{ id: number }>("SELECT id FROM ledger_journal WHERE action = 'ledger.unattributed' LIMIT 1")
      if (stray.length) throw new Error(`journal entry ${stray[0]!.id} holds writes made outside any transaction`)
    },
    async snapshot(except = []) {
      const all: unknown[] = []
      // Ordered by the key (the first columns), which both engines have.
      for (const t of TABLES.filter((x) => !except.includes(x))) all.push(await app.ctx.ledger.rows(sql.raw(`SELECT * FROM ${t} ORDER BY 1, 2`)))
      return JSON.stringify(all)
    },
    async close() {
      await app.close()
    },
  }
}
