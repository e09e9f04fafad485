// Opening the ledger: one SQLite file, WAL, foreign keys on, synchronous=FULL so that a commit
// acknowledged to the user survives a killed process or a power cut.
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as schema from './schema'

export type Sqlite = Database.Database
export type Db = BetterSQLite3Database<typeof schema>

export interface OpenOptions {
  /** Path of a better_sqlite3.node built for the running runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string
  readonly?: boolean
}

export function openSqlite(file: string, opts: OpenOptions = {}): Sqlite {
  const sqlite = new Database(file, {
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    ...(opts.readonly ? { readonly: true, fileMustExist: true } : {}),
  })
  if (!opts.readonly) {
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = FULL')
  }
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return sqlite
}

export function wrapDrizzle(sqlite: Sqlite): Db {
  return drizzle(sqlite, { schema })
}
