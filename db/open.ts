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
  if (!opts.readonly) optimizeLedger(sqlite)
  return sqlite
}

/**
 * Keeps the planner's statistics (sqlite_stat1) current, as SQLite advises for a long-lived
 * connection: a table is analysed only if it never was or its size changed tenfold since, and
 * analysis_limit bounds the rows read per index, so this costs milliseconds even at 1M customers.
 * Run when the ledger opens and after a migration created indexes.
 */
export function optimizeLedger(sqlite: Sqlite): void {
  sqlite.pragma('analysis_limit = 400')
  sqlite.pragma('optimize = 0x10002')
}

/** How many compiled statements a connection keeps (drizzle writes one SQL text per query shape;
 * an IN list of another length is another text, so the cache is bounded). */
const STATEMENT_CACHE_SIZE = 500

export interface WrapOptions {
  /** Called with each SQL text the first time it is compiled (the query plan test collects them). */
  onPrepare?: (sql: string) => void
}

/**
 * The client drizzle talks to: the connection, but each SQL text is compiled once and the
 * statement reused (drizzle asks better-sqlite3 to prepare on every call, which costs more than
 * running an indexed query). Least recently used statements are dropped beyond the cache size.
 * drizzle switches a statement to array rows with `raw()`; a reused one is switched back first.
 */
function statementCache(sqlite: Sqlite, opts: WrapOptions) {
  const cache = new Map<string, Database.Statement>()
  return {
    prepare(source: string): Database.Statement {
      let stmt = cache.get(source)
      if (stmt) {
        cache.delete(source)
        if (stmt.reader) stmt.raw(false)
      } else {
        opts.onPrepare?.(source)
        stmt = sqlite.prepare(source)
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!)
      }
      cache.set(source, stmt)
      return stmt
    },
    transaction: sqlite.transaction.bind(sqlite),
  }
}

const connections = new WeakMap<object, Sqlite>()

export function wrapDrizzle(sqlite: Sqlite, opts: WrapOptions = {}): Db {
  const db = drizzle({ client: statementCache(sqlite, opts) as unknown as Sqlite, schema })
  connections.set(db, sqlite)
  return db
}

/** The connection under a drizzle database made by wrapDrizzle (undefined for a transaction). */
export function sqliteOf(db: object): Sqlite | undefined {
  return connections.get(db)
}
