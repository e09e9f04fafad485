// Every service write goes through here: one transaction on the ledger (db/ledger.ts says how each
// engine serialises them: a promise queue and BEGIN IMMEDIATE on SQLite, the journal lock on
// PostgreSQL), and each ends with its journal entry (db/journal.ts): the new state of every row it
// wrote, chained by SHA-256, in the same transaction, so a command and its entry are committed
// together or not at all. The function must await nothing but the ledger.
import { ledgerOf, type JournalFallback, type LedgerDb } from '../../db/ledger'

export type Tx = LedgerDb

/** `journal` heads the entry of a transaction that writes no audit row (its last audit row does otherwise). */
export function writeTransaction<T>(db: LedgerDb, fn: (tx: Tx) => Promise<T>, journal?: JournalFallback): Promise<T> {
  return ledgerOf(db).write(fn, journal)
}
