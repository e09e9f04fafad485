// What other terminals commit to the shared PostgreSQL ledger reaches this terminal's screens
// (issue 12): every write transaction notifies its journal entry's id at commit (db/pg/ledger.ts,
// db/pg/notify.ts); this terminal reads the rows of the entries after the last one it knew, skips
// the entries it appended itself (its services announced those already), and emits the same
// "ledger changed" events as for another instance on one SQLite file (otherInstances.ts eventsOf).
// Notifications lost while the connection was down are made up for at reconnection: the journal,
// not the notification, says what changed.
import type pg from 'pg'
import { sql } from 'drizzle-orm'
import type { PgLedger } from '../../db/pg/ledger'
import { listenLedger } from '../../db/pg/notify'
import type { ChangedRow } from '../../db/otherWriters'
import type { AppContext } from './context'
import { eventsOf, type HistoryNote } from './otherInstances'

/** Beyond this many rows at once (an import), one generic 'ledger_changed'. */
const MAX_ROWS = 500

export function watchServerLedger(ctx: AppContext, ledger: PgLedger, config: pg.ClientConfig): () => void {
  let last: number | null = null
  let running: Promise<void> | null = null
  let again = false

  const catchUp = async (): Promise<void> => {
    if (last === null) {
      last = (await ledger.digest())?.count ?? 0
      ledger.takeOwnEntries(last)
      return
    }
    const rows = await ledger.rows<ChangedRow & { entryId: number }>(
      sql`SELECT entry_id AS "entryId", tbl, row_key AS "rowKey" FROM ledger_journal_rows WHERE entry_id > ${last} ORDER BY entry_id, seq LIMIT ${MAX_ROWS + 1}`,
    )
    if (!rows.length) return
    const unknown = rows.length > MAX_ROWS
    const seen = unknown ? ((await ledger.digest())?.count ?? last) : Math.max(last, ...rows.map((r) => r.entryId))
    const own = ledger.takeOwnEntries(seen)
    const theirs = rows.filter((r) => !own.has(r.entryId))
    last = seen
    if (!theirs.length && !unknown) return
    const ids = theirs.filter((r) => r.tbl === 'otp_history').map((r) => Number(r.rowKey))
    const history = new Map<number, HistoryNote>()
    if (ids.length)
      for (const h of await ledger.rows<HistoryNote & { id: number }>(
        sql`SELECT id, customer_id AS "customerId", kind, request_id AS "requestId" FROM otp_history WHERE id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      ))
        history.set(h.id, h)
    for (const e of eventsOf((id) => history.get(id), { rows: theirs, unknown })) ctx.events.emitChanged(e)
  }

  // One catch-up at a time; a notification during one asks for another after it.
  const poke = (): void => {
    if (running) {
      again = true
      return
    }
    running = catchUp()
      .catch((err: unknown) => ctx.logger.warn({ code: 'CHANGE_WATCH_FAILED', err }, 'could not read what other terminals changed'))
      .finally(() => {
        running = null
        if (again) {
          again = false
          poke()
        }
      })
  }
  const stop = listenLedger(config, poke, {
    onConnect: poke,
    onError: (err) => ctx.logger.warn({ code: 'LEDGER_LISTEN_FAILED', err }, 'the change feed of the server ledger is reconnecting'),
  })
  return () => void stop()
}
