// Opening the app's ledger at start: create the data folder, open the SQLite file, run the
// numbered migrations (backup first, newer-than-app refused), and for a demo ledger load the demo
// data once. Shared by the Electron main process and the browser-preview bridge.
import fs from 'node:fs'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type { Logger } from 'pino'
import { openSqlite, wrapDrizzle } from '../../db/open'
import { assertNotNewer, migrate, schemaVersion } from '../../db/migrate'
import { settings } from '../../db/schema'
import { DEMO_PASSWORD, seedDemo } from '../../db/seed'
import { AppError } from '../../shared/errors'
import { LedgerEvents, type AppContext, type Clock } from './context'
import { createLogger } from './logger'
import { hashPassword } from './passwords'
import { SessionStore } from './session'
import { writeTransaction } from './tx'

export const LEDGER_FILE = 'ledger.sqlite'

export interface OpenAppOptions {
  dataDir: string
  demo: boolean
  transport: AppContext['transport']
  version: string
  clock?: Clock
  logger?: Logger
}

/** A ledger written by a newer app is refused before anything (not even the journal mode) is
 * changed in it. migrate() checks again, for callers that open the file themselves. */
function refuseNewerLedger(file: string): void {
  if (!fs.existsSync(file)) return
  const peek = openSqlite(file, { readonly: true })
  try {
    assertNotNewer(schemaVersion(peek))
  } finally {
    peek.close()
  }
}

export async function openApp(opts: OpenAppOptions): Promise<AppContext> {
  fs.mkdirSync(opts.dataDir, { recursive: true })
  const logger = opts.logger ?? createLogger(opts.dataDir)
  const clock = opts.clock ?? (() => new Date())
  const file = path.join(opts.dataDir, LEDGER_FILE)
  refuseNewerLedger(file)
  const sqlite = openSqlite(file)
  try {
    const report = migrate(sqlite, { backupDir: path.join(opts.dataDir, 'backups'), now: clock })
    if (report.from !== report.to) logger.info({ ...report, file }, 'ledger migrated')
    const db = wrapDrizzle(sqlite)

    // A fresh ledger: its kind is fixed now, and demo data goes only into a demo ledger. Decided
    // inside one IMMEDIATE transaction, so two processes starting on a new folder cannot both seed.
    // The demo password is hashed (scrypt, ~0.1 s) only for a ledger about to be seeded: the kind,
    // once written, is never removed, so a ledger that has one is never seeded again.
    const kindNow = db.select().from(settings).where(eq(settings.key, 'ledger_kind')).get()?.value
    const passwordHash = opts.demo && !kindNow ? await hashPassword(DEMO_PASSWORD) : null
    const kind = writeTransaction(db, (tx) => {
      const existing = tx.select().from(settings).where(eq(settings.key, 'ledger_kind')).get()?.value
      if (existing) return existing
      const created = opts.demo ? 'demo' : 'production'
      tx.insert(settings).values({ key: 'ledger_kind', value: created }).run()
      if (passwordHash) seedDemo(tx as never, { passwordHash, now: clock() })
      logger.info({ file, demo: opts.demo }, 'ledger created')
      return created
    })
    if (opts.demo && kind !== 'demo') throw new AppError('DEMO_ON_REAL_LEDGER')
    const demo = kind === 'demo'
    return {
      sqlite,
      db,
      clock,
      dataDir: opts.dataDir,
      demo,
      transport: opts.transport,
      logger,
      sessions: new SessionStore(() => clock().getTime()),
      events: new LedgerEvents(),
      version: opts.version,
    }
  } catch (err) {
    sqlite.close()
    throw err
  }
}
