// Opening the ledger: one SQLite file, WAL, foreign keys on, synchronous=FULL so that a commit
// acknowledged to the user survives a killed process or a power cut.
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as schema from './schema'

export type Sqlite = Database.Database
export type Db = BetterSQLite3Database<typeof schema>

export interface OpenOptions {
  readonly?: boolean
}

/** better-sqlite3 13 is a Node-API module: its prebuilt binary loads in Electron and in Node >= 22.
 * Under an older Node it loads and then crashes the process at the first statement, so refuse
 * plainly first (npm scripts run on the Node 22 of the `node` dev dependency; see the README). */
function assertSupportedRuntime(): void {
  const major = Number(process.versions.node.split('.')[0])
  if (!process.versions.electron && major < 22)
    throw new Error(`better-sqlite3 needs Node.js 22 or newer, this is ${process.version}: run it through npm (npm test, npm start...) or with node_modules/.bin/node`)
}

export function openSqlite(file: string, opts: OpenOptions = {}): Sqlite {
  assertSupportedRuntime()
  const sqlite = new Database(file, opts.readonly ? { readonly: true, fileMustExist: true } : {})
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
