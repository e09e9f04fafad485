// The ledger as the services see it, whichever engine holds it: one drizzle database typed for
// asynchronous use (every query is awaited) and one way to write, `write(fn)`, that runs `fn` in a
// single transaction ending with its journal entry. The engines differ only below this line:
//   - SQLite (the embedded default, better-sqlite3, synchronous=FULL): one connection. Its queries
//     answer synchronously (awaiting them costs a microtask); write transactions are serialised in
//     this process by a promise queue, each one BEGIN IMMEDIATE … COMMIT on the one connection, so
//     a second write waits for the first to commit instead of interleaving with it, and another
//     process on the same file waits on SQLite's write lock (busy_timeout).
//   - PostgreSQL (the shared ledger, db/pg/ledger.ts): a pool; each write transaction has its own
//     connection and takes the journal lock first, so writers of every terminal are serialised the
//     way SQLite serialises them, while reads run beside them on snapshots.
// A write function must await nothing but the ledger (no file, no timer, no hashing): it holds
// the write lock for every terminal while it runs. Work that needs those happens before or after.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { SQL } from 'drizzle-orm'
import type { SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy'
import type { AppendOptions } from './journal'
import { appendPending, currentDigest, hasJournal, installJournal } from './journal'
import type { LedgerDigest } from '../shared/integrity'
import type * as schema from './schema'
import { wrapDrizzle, type Db, type Sqlite, type WrapOptions } from './open'

/** The services' view of the ledger's tables (db/schema.ts), every query awaited. */
export type LedgerDb = SqliteRemoteDatabase<typeof schema>

export type Engine = 'sqlite' | 'postgres'

/** The header of a transaction's journal entry when it writes no audit row (a customer import). */
export type JournalFallback = AppendOptions['fallback']

export interface Ledger {
  readonly engine: Engine
  /** Reads outside a transaction; inside `write`'s function, the same object reads and writes in
   * the transaction (on PostgreSQL the call is routed to the transaction's connection). */
  readonly db: LedgerDb
  /**
   * Runs `fn` in one write transaction that ends with its journal entry; resolves with fn's result
   * once committed, rejects (and nothing of it stays) if fn or the commit fails. Called inside a
   * running write of the same ledger, it runs `fn` in that transaction (under a savepoint).
   */
  write<T>(fn: (tx: LedgerDb) => Promise<T>, journal?: JournalFallback): Promise<T>
  /** A hand-written SELECT (drizzle's sql template, SQLite dialect as the services write it):
   * its rows as objects keyed by column name, on either engine. */
  rows<T>(query: SQL): Promise<T[]>
  /**
   * Where printed PDFs are kept: 'folder', files under the data folder beside the embedded ledger
   * (written and synced before the print is recorded); 'ledger', in the server ledger's
   * printed_form_files, in the transaction that records the print, so every terminal reaches
   * them and the server's backup carries them.
   */
  readonly printArchive: 'folder' | 'ledger'
  /** The journal's digest as it stands (count of entries, hash of the last), null without a journal. */
  digest(): Promise<LedgerDigest | null>
  /** False once closed (timers and watchers stop on it). */
  isOpen(): boolean
  /** True while the calling async context runs inside this ledger's write transaction. */
  inWrite(): boolean
  close(): Promise<void>
}

const ledgers = new WeakMap<object, Ledger>()

/** The ledger a database object belongs to (services pass `ctx.db` or a transaction's `tx`). */
export function ledgerOf(db: object): Ledger {
  const l = ledgers.get(db)
  if (!l) throw new Error('not a ledger database')
  return l
}

export function registerLedger(db: object, ledger: Ledger): void {
  ledgers.set(db, ledger)
}

/**
 * A FIFO of write transactions: `run` starts fn after every earlier one settled. Nested calls
 * (same async context) run inside the outer one, under a savepoint.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve()
  private readonly inside = new AsyncLocalStorage<{ depth: number }>()

  inWrite(): boolean {
    return this.inside.getStore() !== undefined
  }

  run<T>(outer: () => Promise<T>, nested: (depth: number) => Promise<T>): Promise<T> {
    const store = this.inside.getStore()
    if (store) {
      // A name no other savepoint of this transaction has (nested writes started side by side too).
      const n = ++store.depth
      return this.inside.run(store, () => nested(n))
    }
    const start = () => this.inside.run({ depth: 0 }, outer)
    const p = this.tail.then(start, start)
    this.tail = p.catch(() => undefined)
    return p
  }
}

/**
 * A write nested in a running one (either engine): `fn` under a savepoint the outer transaction
 * keeps or undoes. If undoing it fails, the transaction itself is gone (a full disk rolled it back,
 * the connection broke): the outer rollback follows, and fn's own error is what the caller sees.
 */
export async function inSavepoint<T>(depth: number, exec: (sql: string) => unknown, fn: () => Promise<T>): Promise<T> {
  const name = `nested_${depth}`
  await exec(`SAVEPOINT ${name}`)
  try {
    const result = await fn()
    await exec(`RELEASE SAVEPOINT ${name}`)
    return result
  } catch (err) {
    try {
      await exec(`ROLLBACK TO SAVEPOINT ${name}`)
      await exec(`RELEASE SAVEPOINT ${name}`)
    } catch {
      // the outer transaction's rollback follows
    }
    throw err
  }
}

/** The embedded ledger: one better-sqlite3 connection (db/open.ts) behind the Ledger interface. */
export function sqliteLedger(sqlite: Sqlite, db: Db): Ledger {
  const queue = new WriteQueue()
  const stmt = (s: string) => sqlite.prepare(s)
  const begin = stmt('BEGIN IMMEDIATE')
  const commit = stmt('COMMIT')
  const rollback = stmt('ROLLBACK')
  const tx = db as unknown as LedgerDb
  const ledger: Ledger = {
    engine: 'sqlite',
    printArchive: 'folder',
    db: tx,
    inWrite: () => queue.inWrite(),
    isOpen: () => sqlite.open,
    async digest() {
      return hasJournal(sqlite) ? currentDigest(sqlite) : null
    },
    async rows<T>(query: SQL) {
      return db.all<T>(query)
    },
    write(fn, journal) {
      return queue.run(
        async () => {
          const journals = installJournal(sqlite)
          begin.run()
          try {
            // A write made outside any transaction (a bug) is journaled first, as its own entry.
            if (journals) appendPending(sqlite)
            const result = await fn(tx)
            if (journals) appendPending(sqlite, { fallback: journal })
            commit.run()
            return result
          } catch (err) {
            if (sqlite.inTransaction) rollback.run()
            throw err
          }
        },
        (depth) => inSavepoint(depth, (s) => sqlite.exec(s), () => fn(tx)),
      )
    },
    async close() {
      if (sqlite.open) sqlite.close()
    },
  }
  registerLedger(db, ledger)
  return ledger
}

/** The embedded ledger on an open connection (drizzle with the statement cache of db/open.ts). */
export function openedSqliteLedger(sqlite: Sqlite, opts: WrapOptions = {}): Ledger {
  return sqliteLedger(sqlite, wrapDrizzle(sqlite, opts))
}

/** The rows an UPDATE, INSERT or DELETE changed (better-sqlite3's RunResult and the PostgreSQL
 * engine's run result both carry `changes`; drizzle's async type does not say so). */
export function changesOf(result: unknown): number {
  const n = (result as { changes?: number } | null)?.changes
  if (typeof n !== 'number') throw new Error('run result without changes')
  return n
}
