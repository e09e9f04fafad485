// Numbered migrations, run at start before the first window. The file is copied aside first
// (VACUUM INTO gives a consistent snapshot even in WAL mode), and a ledger written by a newer
// app is refused instead of being touched.
import { givenKanaKey, givenNameKey, searchFold } from '../shared/normalize'
import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../shared/errors'
import { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations'
import { optimizeLedger, type Sqlite } from './open'
import { detachJournal } from './journal'

export interface MigrationReport {
  from: number
  to: number
  backupFile: string | null
}

export function schemaVersion(sqlite: Sqlite): number {
  return sqlite.pragma('user_version', { simple: true }) as number
}

function hasTables(sqlite: Sqlite): boolean {
  const row = sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
  return row.n > 0
}

/** Stamp for file names: 20261121T201503123Z (to the millisecond). */
function stamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '')
}

export function backupLedger(sqlite: Sqlite, backupDir: string, label: string, at = new Date()): string {
  fs.mkdirSync(backupDir, { recursive: true })
  let file = path.join(backupDir, `ledger-${label}-${stamp(at)}.sqlite`)
  for (let n = 2; fs.existsSync(file); n++) file = path.join(backupDir, `ledger-${label}-${stamp(at)}-${n}.sqlite`)
  sqlite.prepare('VACUUM INTO ?').run(file)
  return file
}

export function assertNotNewer(version: number, latest = LATEST_SCHEMA_VERSION): void {
  if (version > latest)
    throw new AppError(
      'DATABASE_TOO_NEW',
      `データベースの版（${version}）がこのアプリの対応する版（${latest}）より新しいため開けません。アプリを更新してください。`,
    )
}

export function migrate(
  sqlite: Sqlite,
  opts: { backupDir: string; migrations?: readonly Migration[]; now?: () => Date },
): MigrationReport {
  const migrations = opts.migrations ?? MIGRATIONS
  const latest = opts.migrations ? (migrations[migrations.length - 1]?.version ?? 0) : LATEST_SCHEMA_VERSION
  const from = schemaVersion(sqlite)
  assertNotNewer(from, latest)
  if (from === latest) return { from, to: from, backupFile: null }

  registerMigrationFunctions(sqlite)
  const backupFile = from > 0 || hasTables(sqlite) ? backupLedger(sqlite, opts.backupDir, `v${from}`, opts.now?.()) : null
  for (const m of migrations) {
    if (m.version <= from) continue
    // IMMEDIATE, and the version read again inside: another process opening the same file at the
    // same moment waits here and then finds the migration already applied.
    // A table rebuild (SQLite's documented 12 steps) needs foreign keys off, which can only be
    // switched outside a transaction; every reference is checked again before the commit.
    const fkWas = sqlite.pragma('foreign_keys', { simple: true }) as number
    if (m.foreignKeysOff) sqlite.pragma('foreign_keys = OFF')
    try {
      sqlite
        .transaction(() => {
          if (schemaVersion(sqlite) >= m.version) return
          sqlite.exec(m.sql)
          m.run?.(sqlite, opts.now?.() ?? new Date())
          if (m.foreignKeysOff) {
            const broken = sqlite.pragma('foreign_key_check') as unknown[]
            if (broken.length) throw new Error(`migration ${m.version}: ${broken.length} broken references`)
          }
          sqlite.pragma(`user_version = ${m.version}`)
        })
        .immediate()
    } finally {
      if (m.foreignKeysOff) sqlite.pragma(`foreign_keys = ${fkWas ? 'ON' : 'OFF'}`)
    }
  }
  // A migration that rebuilds a table (0015: staff) drops the TEMP triggers this connection's
  // journal put on it (0013 installs them to chain the rows): the next write installs them afresh.
  detachJournal(sqlite)
  optimizeLedger(sqlite) // statistics for the indexes the migrations created
  return { from, to: latest, backupFile }
}

/** Application functions a migration's SQL may call (0012 fills the folded search keys with the
 * one definition of folding the services use). Registered on the connection that migrates. */
function registerMigrationFunctions(sqlite: Sqlite): void {
  const text = (v: unknown): string => (typeof v === 'string' ? v : '')
  sqlite.function('otp_search_fold', { deterministic: true }, (v: unknown) => searchFold(text(v)))
  sqlite.function('otp_given_name_key', { deterministic: true }, (v: unknown) => givenNameKey(text(v)))
  sqlite.function('otp_given_kana_key', { deterministic: true }, (v: unknown) => givenKanaKey(text(v)))
}
