// A real app context on a real SQLite file in a fresh temporary folder, with a controllable clock.
// Tests call the same dispatcher the IPC handler and the HTTP bridge call.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openApp } from '../../electron/main/ledger'
import { dispatch } from '../../electron/main/dispatcher'
import { embeddedContext, type AppContext, type EmbeddedAppContext } from '../../electron/main/context'
import type { BackgroundVerifyOptions } from '../../electron/main/services/integrity'
import type { OpInput, OpOutput } from '../../shared/contract'
import type { ErrorPayload, Result } from '../../shared/errors'
import type { OperationName } from '../../shared/operations'
import { DEMO_PASSWORD } from '../../db/seed'
import { describeReport, verifyLedger } from '../../db/verify'

/** The operations of the app as a test calls them (through the dispatcher, as the transports do). */
export interface AppCalls {
  /** Call an operation as the session `key` and return the envelope. */
  raw(op: string, payload: unknown, key?: string): Promise<Result<unknown>>
  /** Call an operation and return its value, failing the test on an error envelope. */
  ok<K extends OperationName>(op: K, input: OpInput<K>, key?: string): Promise<OpOutput<K>>
  /** Call an operation that must fail; returns the error. */
  err(op: string, payload: unknown, key?: string): Promise<ErrorPayload>
  loginAs(loginId: string, key?: string): Promise<void>
  /** The first login of staff an administrator registered (or reset): logs in with the one-time
   * password and changes it, as the app requires. Returns the new password. */
  firstLogin(loginId: string, oneTimePassword: string, key?: string): Promise<string>
}

export interface TestApp extends AppCalls {
  ctx: EmbeddedAppContext
  dir: string
  clock: { now: Date }
  close(): void
}

/** The calls of a context (either engine). */
export function callsOf(ctx: AppContext): AppCalls {
  const raw = (op: string, payload: unknown, key = 'default') => dispatch(ctx, op, payload, key)
  const calls: AppCalls = {
    raw,
    async ok(op, input, key) {
      const r = await raw(op, input, key)
      if (!r.ok) throw new Error(`${op} failed: ${r.error.code} ${r.error.message} ${JSON.stringify(r.error.fields ?? {})}`)
      return r.value as never
    },
    async err(op, payload, key) {
      const r = await raw(op, payload, key)
      if (r.ok) throw new Error(`${op} unexpectedly succeeded`)
      return r.error
    },
    async loginAs(loginId, key = 'default') {
      await calls.ok('auth.login', { loginId, password: DEMO_PASSWORD }, key)
    },
    async firstLogin(loginId, oneTimePassword, key = 'default') {
      const newPassword = `${oneTimePassword}-own1`
      const user = await calls.ok('auth.login', { loginId, password: oneTimePassword }, key)
      if (user.mustChangePassword) await calls.ok('auth.changePassword', { currentPassword: oneTimePassword, newPassword }, key)
      return user.mustChangePassword ? newPassword : oneTimePassword
    },
  }
  return calls
}

export function tempDir(prefix = 'otp-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export async function createTestApp(opts: { demo?: boolean; now?: Date; dir?: string; backgroundVerify?: BackgroundVerifyOptions } = {}): Promise<TestApp> {
  const dir = opts.dir ?? tempDir()
  const clock = { now: opts.now ?? new Date('2026-11-21T01:00:00Z') } // 10:00 in Japan
  const ctx = embeddedContext(await openApp({
    dataDir: dir,
    demo: opts.demo ?? true,
    transport: 'ipc',
    version: 'test',
    clock: () => clock.now,
    autoBackup: false, // tests run the schedule's tick themselves
    backgroundVerify: opts.backgroundVerify ?? false, // tests that need it ask for it
  }))
  const app: TestApp = {
    ...callsOf(ctx),
    ctx,
    dir,
    clock,
    close() {
      ctx.stopWatching?.()
      ctx.sqlite.close()
    },
  }
  return app
}

/** Every row of every business table, to assert that a refused call changed nothing. The audit
 * log is left out: refusals are audited on purpose. */
export function snapshotLedger(ctx: EmbeddedAppContext, except: readonly string[] = []): string {
  const tables = ['branches', 'staff', 'customers', 'otp_requests', 'otp_history', 'receipt_counters', 'printed_forms', 'settings'].filter(
    (t) => !except.includes(t),
  )
  return JSON.stringify(tables.map((t) => ctx.sqlite.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()))
}

export function auditRows(ctx: EmbeddedAppContext): Array<{ action: string; outcome: string; actor_login_id: string | null; detail_json: string | null }> {
  return ctx.sqlite.prepare('SELECT * FROM audit_log ORDER BY id').all() as never
}

/** The ledger's journal verifies in full (db/verify.ts), and no write escaped a transaction (an
 * entry without an audit row or a header of its own is 'ledger.unattributed'). */
export function expectLedgerVerifies(ctx: EmbeddedAppContext): void {
  const r = verifyLedger(ctx.sqlite, { mode: 'full' })
  if (!r.ok) throw new Error(`the ledger does not verify:\n${describeReport(r).join('\n')}`)
  const stray = ctx.sqlite.prepare("SELECT id FROM ledger_journal WHERE action = 'ledger.unattributed' LIMIT 1").pluck().get()
  if (stray !== undefined) {
    const rows = ctx.sqlite.prepare('SELECT tbl, row_key, row_json FROM ledger_journal_rows WHERE entry_id = ? LIMIT 5').all(stray)
    throw new Error(`journal entry ${String(stray)} holds writes made outside any transaction: ${JSON.stringify(rows)}`)
  }
}
