// Writes made by another connection to the same ledger file (a second app instance on a shared
// folder, `npm run staff:unlock`, an import command): this connection learns of them by polling
// `PRAGMA data_version`, which SQLite changes for a connection when another connection commits
// (never for its own commits). A poll is one prepared pragma and one primary-key read: microseconds.
//
// What changed is read from the journal (db/journal.ts, issue 15): every committed write appends an
// entry with the rows it wrote, so the rows of the entries after the last one seen say which
// tables and rows the other writer touched, in commit order.
import type Database from 'better-sqlite3'
import { hasJournal, takeOwnEntries, trackOwnEntries } from './journal'
import type { Sqlite } from './open'

/** A row another connection wrote: its table and key (as the journal keys it). */
export interface ChangedRow {
  tbl: string
  rowKey: string
}

export interface OtherWrites {
  /** The rows written, in commit order (at most `maxRows`). */
  rows: ChangedRow[]
  /** More rows were written than `maxRows`, or the ledger has no journal: only "something changed". */
  unknown: boolean
}

export interface WatchOptions {
  /** How often `data_version` is read (ms). */
  everyMs?: number
  /** Beyond this many rows (a large import), the change is reported without its rows. */
  maxRows?: number
  /** Called when a poll fails (a closed or damaged connection): the watch goes on. */
  onError?: (err: unknown) => void
}

interface Baseline {
  sqlite: Sqlite
  dataVersion: Database.Statement
  lastEntry: Database.Statement | null
  rowsAfter: Database.Statement | null
  version: number
  entry: number
}

/**
 * Polls the connection `current()` returns (it may be replaced, e.g. by a restore) and calls
 * `onChange` with what another connection committed since the last poll. Returns the function that
 * stops the polling; the timer never keeps the process alive.
 */
export function watchOtherWriters(current: () => Sqlite, onChange: (w: OtherWrites) => void, opts: WatchOptions = {}): () => void {
  const maxRows = opts.maxRows ?? 500
  let base: Baseline | null = null

  const baseline = (sqlite: Sqlite): Baseline => {
    const journal = hasJournal(sqlite)
    const b: Baseline = {
      sqlite,
      dataVersion: sqlite.prepare('PRAGMA data_version').pluck(),
      lastEntry: journal ? sqlite.prepare('SELECT coalesce(max(id), 0) FROM ledger_journal').pluck() : null,
      // On the rows' primary key (entry_id, seq): the entries after the last one seen.
      rowsAfter: journal
        ? sqlite.prepare(`SELECT entry_id AS entryId, tbl, row_key AS rowKey FROM ledger_journal_rows WHERE entry_id > ? ORDER BY entry_id, seq LIMIT ${maxRows + 1}`)
        : null,
      version: 0,
      entry: 0,
    }
    b.version = b.dataVersion.get() as number
    b.entry = (b.lastEntry?.get() as number | undefined) ?? 0
    trackOwnEntries(sqlite)
    takeOwnEntries(sqlite)
    return b
  }

  const poll = () => {
    const sqlite = current()
    // Closed (the app is closing, or a restore is between the old connection and the new one), or
    // inside a transaction: the next poll looks again.
    if (!sqlite.open || sqlite.inTransaction) return
    try {
      if (!base || base.sqlite !== sqlite) {
        base = baseline(sqlite)
        return
      }
      const version = base.dataVersion.get() as number
      // This connection's own commits do not change data_version; they move the journal on, and
      // are not reported: the services that made them told their listeners already.
      const own = takeOwnEntries(sqlite)
      const entry = (base.lastEntry?.get() as number | undefined) ?? 0
      if (version === base.version) {
        base.entry = entry
        return
      }
      const read = base.rowsAfter ? (base.rowsAfter.all(base.entry) as (ChangedRow & { entryId: number })[]) : []
      const rows = read.filter((r) => !own.has(r.entryId)).map(({ tbl, rowKey }) => ({ tbl, rowKey }))
      base.version = version
      base.entry = entry
      if (!base.rowsAfter) return onChange({ rows: [], unknown: true })
      if (rows.length === 0 && read.length <= maxRows) return // only this connection's, or outside the journal's tables
      onChange(read.length > maxRows ? { rows: rows.slice(0, maxRows), unknown: true } : { rows, unknown: false })
    } catch (err) {
      opts.onError?.(err)
    }
  }

  const timer = setInterval(poll, opts.everyMs ?? 300)
  timer.unref()
  poll()
  return () => clearInterval(timer)
}
