// The suites that run on both engines (issue 12): the embedded SQLite ledger and the shared
// PostgreSQL ledger (a fresh database on the test server, a terminal as the application role).
// Both give an app whose calls go through the same dispatcher, and a snapshot of every business
// table read through the ledger itself, to assert that a refused call changed nothing.
import { sql } from 'drizzle-orm'
import type { AppContext } from '../../electron/main/context'
import { createTestApp, type AppCalls } from './app'
import { createServerTestApp } from './serverApp'

export const ENGINES = ['sqlite', 'postgres'] as const
export type EngineName = (typeof ENGINES)[number]

export interface EngineApp extends AppCalls {
  ctx: AppContext
  /** Every row of every business table (audit rows left out: refusals are audited on purpose). */
  snapshot(): Promise<string>
  close(): Promise<void>
}

const TABLES = ['branches', 'staff', 'customers', 'otp_requests', 'otp_history', 'receipt_counters', 'printed_forms', 'settings']

export async function createEngineApp(engine: EngineName): Promise<EngineApp> {
  const app = engine === 'sqlite' ? await createTestApp() : await createServerTestApp()
  return {
    ...app,
    ctx: app.ctx,
    async snapshot() {
      const all: unknown[] = []
      // Ordered by the key (the first columns), which both engines have.
      for (const t of TABLES) all.push(await app.ctx.ledger.rows(sql.raw(`SELECT * FROM ${t} ORDER BY 1, 2`)))
      return JSON.stringify(all)
    },
    async close() {
      await app.close()
    },
  }
}
