// A real app context on a real PostgreSQL ledger (issue 12): a fresh database migrated by its owner
// role, the terminal connected as the application role (what a terminal is), demo data seeded by
// the terminal's first start, a controllable clock. The same dispatcher the transports call.
import fs from 'node:fs'
import { openApp } from '../../electron/main/ledger'
import type { AppContext } from '../../electron/main/context'
import { migratePg } from '../../db/pg/migrate'
import { verifyPgChain } from '../../db/pg/journal'
import { callsOf, tempDir, type AppCalls } from './app'
import { createTestLedger, type TestLedger } from './pg'

export interface ServerTestApp extends AppCalls {
  ctx: AppContext
  ledger: TestLedger
  dir: string
  clock: { now: Date }
  /** Another terminal on the same ledger (its own pool, sessions and change feed). */
  terminal(): Promise<AppContext & AppCalls>
  /** Rows as the owner sees them (for assertions). */
  query<T>(text: string, params?: unknown[]): Promise<T[]>
  /** The journal's chain verifies on the server. */
  expectChainVerifies(): Promise<void>
  close(): Promise<void>
}

/** A migrated, empty server ledger (no terminal started yet), on the tests' server or `base`. */
export async function createServerLedger(base?: string): Promise<TestLedger> {
  const ledger = await createTestLedger(base)
  const owner = await ledger.owner()
  await migratePg(owner, { appRole: ledger.appRole })
  return ledger
}

export async function createServerTestApp(opts: { demo?: boolean; now?: Date; ledger?: TestLedger } = {}): Promise<ServerTestApp> {
  const ledger = opts.ledger ?? (await createServerLedger())
  const clock = { now: opts.now ?? new Date('2026-11-21T01:00:00Z') } // 10:00 in Japan
  const dirs: string[] = []
  const contexts: AppContext[] = []
  const start = async () => {
    const dir = tempDir('otp-terminal-')
    dirs.push(dir)
    const ctx = await openApp({
      dataDir: dir,
      server: { url: ledger.appUrl },
      demo: opts.demo ?? true,
      transport: 'ipc',
      version: 'test',
      clock: () => clock.now,
      autoBackup: false,
      backgroundVerify: false,
    })
    contexts.push(ctx)
    return ctx
  }
  const ctx = await start()
  const owner = await ledger.owner()
  const app: ServerTestApp = {
    ...callsOf(ctx),
    ctx,
    ledger,
    dir: dirs[0]!,
    clock,
    async terminal() {
      const other = await start()
      return Object.assign(other, callsOf(other))
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await owner.query(text, params)).rows as T[]
    },
    async expectChainVerifies() {
      const r = await verifyPgChain(owner)
      if (r.break) throw new Error(`the server ledger's journal does not verify: ${JSON.stringify(r.break)}`)
    },
    async close() {
      for (const c of contexts) {
        c.stopWatching?.()
        await c.ledger.close()
      }
      if (!opts.ledger) await ledger.drop()
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
    },
  }
  return app
}
