// Two app instances on one ledger file (issue 12, the SQLite case): a change committed by the other
// instance reaches this one's screens within a poll (db/otherWriters.ts, every 300 ms), as the same
// "ledger changed" events this instance's own services emit. What changed is told from the rows
// the other instance wrote: each customer-history row names its customer, its request and what
// happened (受付, 承認, 差戻し...); a staff row is a change of staff. When the rows cannot tell (a
// large import, a ledger without a journal), one generic 'ledger_changed' makes every listening
// screen reload.
import { embeddedLedger } from './embedded'
import { watchOtherWriters, type OtherWrites } from '../../db/otherWriters'
import type { Sqlite } from '../../db/open'
import type { LedgerChangedEvent } from '../../shared/operations'
import type { AppContext } from './context'

/** Beyond this many customers written at once (an import), one 'ledger_changed' instead. */
const MAX_NAMED_CUSTOMERS = 20

const HISTORY_EVENTS: Record<string, LedgerChangedEvent['kind']> = {
  request_received: 'request_received',
  request_approved: 'request_approved',
  request_returned: 'request_returned',
  request_resubmitted: 'request_resubmitted',
  request_withdrawn: 'request_withdrawn',
  request_superseded: 'request_superseded',
  request_taken_over: 'request_taken_over',
  unlock_refused: 'unlock_refused',
  event: 'event_recorded',
}

const historyRows = new WeakMap<Sqlite, (id: number) => { customerId: number; kind: string; requestId: number | null } | undefined>()
function historyRow(sqlite: Sqlite, id: number) {
  let get = historyRows.get(sqlite)
  if (!get) {
    const stmt = sqlite.prepare('SELECT customer_id AS customerId, kind, request_id AS requestId FROM otp_history WHERE id = ?')
    get = (x: number) => stmt.get(x) as never
    historyRows.set(sqlite, get)
  }
  return get(id)
}

/** A customer-history row as the events need it. */
export interface HistoryNote {
  customerId: number
  kind: string
  requestId: number | null
}

/** The events for what another connection (or terminal) wrote (each once, in commit order);
 * `historyOf` reads the history rows the writes name. */
export function eventsOf(historyOf: (id: number) => HistoryNote | undefined, w: OtherWrites): LedgerChangedEvent[] {
  if (w.unknown) return [{ kind: 'ledger_changed' }]
  const out = new Map<string, LedgerChangedEvent>()
  const add = (e: LedgerChangedEvent) => out.set(`${e.kind}:${e.customerId ?? ''}:${e.requestId ?? ''}`, e)
  const told = new Set<string>() // customers a history row already named
  for (const r of w.rows) {
    if (r.tbl !== 'otp_history') continue
    const h = historyOf(Number(r.rowKey))
    const kind = h && HISTORY_EVENTS[h.kind]
    if (!h || !kind) continue
    told.add(String(h.customerId))
    add({ kind, customerId: h.customerId, ...(h.requestId !== null ? { requestId: h.requestId } : {}) })
  }
  // A customer written without a history row: the import (or a correction of the master data).
  const imported = new Set(w.rows.filter((r) => r.tbl === 'customers' && !told.has(r.rowKey)).map((r) => Number(r.rowKey)))
  if (imported.size > MAX_NAMED_CUSTOMERS) return [...out.values(), { kind: 'ledger_changed' }]
  for (const id of imported) add({ kind: 'customers_imported', customerId: id })
  if (w.rows.some((r) => r.tbl === 'staff')) add({ kind: 'staff_changed' })
  return [...out.values()]
}

/** Starts the watch for this context; returns the function that stops it (called on close). */
export function watchOtherInstances(ctx: AppContext, everyMs?: number): () => void {
  const embedded = () => embeddedLedger(ctx, '他の端末の変更の監視')
  return watchOtherWriters(
    embedded,
    (w) => {
      for (const e of eventsOf((id) => historyRow(embedded(), id), w)) ctx.events.emitChanged(e)
    },
    { everyMs, onError: (err) => ctx.logger.warn({ code: 'CHANGE_WATCH_FAILED', err }, 'could not read changes made by another instance') },
  )
}
