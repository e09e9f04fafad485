// Write transactions start IMMEDIATE: the write lock is taken at BEGIN, so a second app instance
// or connection waits (busy_timeout) instead of failing half-way with SQLITE_BUSY_SNAPSHOT after
// it has read. Every service write goes through here, and each ends with its journal entry
// (db/journal.ts): the new state of every row it wrote, chained by SHA-256, in the same
// transaction, so a command and its entry are committed together or not at all.
import { appendPending, installJournal, type AppendOptions } from '../../db/journal'
import { sqliteOf, type Db } from '../../db/open'

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

/** `journal` heads the entry of a transaction that writes no audit row (its last audit row does otherwise). */
export function writeTransaction<T>(db: Db, fn: (tx: Tx) => T, journal?: AppendOptions['fallback']): T {
  const sqlite = sqliteOf(db)
  const journals = !!sqlite && installJournal(sqlite)
  return db.transaction(
    (tx) => {
      // A write made outside any transaction (a bug) is journaled first, as its own entry.
      if (journals) appendPending(sqlite)
      const result = fn(tx)
      if (journals) appendPending(sqlite, { fallback: journal })
      return result
    },
    { behavior: 'immediate' },
  )
}
