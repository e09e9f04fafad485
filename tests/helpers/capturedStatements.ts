// Every SQL text the services issue for the screens, captured rather than listed (issue 11, issue
// 12): a counter day (tests/helpers/counterDay.ts) through the dispatcher on a ledger built by the
// benchmark's generator, with 集計, the CSV exports and the head office's views.
// The data layer reports each SQL text drizzle compiles and each hand-written SELECT it runs
// (ledger.rows); SQL a service prepares on the SQLite connection itself, outside the data layer,
// is collected apart (none expected). Used by tests/pg/statements.test.ts (each is PREPAREd on
// PostgreSQL) and tests/pg/query-plans.test.ts (each one's generic plan on PostgreSQL).
import fs from 'node:fs'
import { openedSqliteLedger } from '../../db/ledger'
import { generateLedger } from '../bench/ledger'
import { createTestApp, tempDir, type TestApp } from './app'
import { counterDay } from './counterDay'

export interface CapturedDay {
  /** The app the day ran on (its data folder is app.dir: the caller closes and removes it). */
  app: TestApp
  /** Every SQL text the data layer prepared, in SQLite's dialect. */
  statements: Set<string>
  /** SQL a service prepared on the SQLite connection itself, outside the data layer. */
  handWritten: Set<string>
}

/**
 * Generates a ledger of `size` customers, lets `beforeOpen` see its data folder (the generated
 * ledger, closed, before the day changes it), then runs the counter day.
 */
export async function captureServiceStatements(size: number, beforeOpen?: (dir: string) => Promise<void>): Promise<CapturedDay> {
  const dir = tempDir()
  await generateLedger(dir, size)
  await beforeOpen?.(dir)
  const app = await createTestApp({ dir, now: new Date('2026-11-20T05:00:00Z') })
  const statements = new Set<string>()
  const handWritten = new Set<string>()
  app.ctx.ledger = openedSqliteLedger(app.ctx.sqlite, { onPrepare: (sql) => statements.add(sql) })
  app.ctx.db = app.ctx.ledger.db
  // The SQL a service prepares on the connection itself (not through drizzle).
  const sqlite = app.ctx.sqlite
  const prepare = sqlite.prepare.bind(sqlite)
  sqlite.prepare = ((source: string) => {
    const caller = new Error().stack?.split('\n')[2] ?? ''
    if (/electron[/\\]main[/\\]services[/\\]/.test(caller)) handWritten.add(source)
    return prepare(source)
  }) as typeof sqlite.prepare
  await counterDay(app) // with 集計, the CSV exports and the head office's views
  return { app, statements, handWritten }
}

/** Closes the day's app and removes its data folder (after a failed start too: app may be unset). */
export function disposeCapturedDay(app: TestApp | undefined): void {
  const dir = app?.dir
  app?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
}
