// The audit trail: one append-only row per command, written in the same transaction as the
// change it describes (or on its own for a refusal, which changes nothing else).
//
// Each row names, in indexed columns (0011), the request and the customer it is about and the
// branch it belongs to, so that the 監査ログ照会 screen finds them among millions of rows. A service
// passes the request or the customer it acted on; the rest follows in the same statement: a
// request's customer and branch from the request, otherwise the actor's branch.
import { sql } from 'drizzle-orm'
import { preparedQuery } from '../../db/prepared'
import { auditLog } from '../../db/schema'
import { ledgerOf, type LedgerDb } from '../../db/ledger'
import { writeTransaction } from './tx'

export interface AuditEntry {
  at: string
  actorId: number | null
  actorLoginId: string | null
  action: string
  outcome: 'ok' | 'refused' | 'failed'
  target?: string | null
  detail?: Record<string, unknown> | null
  /** The request the entry is about (its customer and branch are taken from it). */
  requestId?: number | null
  /** The customer the entry is about, when no request names it. */
  customerId?: number | null
  /** The branch, when neither a request nor the actor's branch says it (the daily journal). */
  branchId?: number | null
}

/** The id a target names ('request:12' → 12), for entries whose service did not pass it. */
function idIn(target: string | null | undefined, kind: 'request' | 'customer'): number | null {
  if (!target?.startsWith(`${kind}:`)) return null
  const id = Number(target.slice(kind.length + 1))
  return Number.isSafeInteger(id) && id > 0 ? id : null
}

export async function writeAudit(db: LedgerDb, e: AuditEntry): Promise<void> {
  // Outside a transaction (a refusal, which changes nothing else): a transaction of its own, so the
  // row gets its journal entry like every other write.
  if (!ledgerOf(db).inWrite()) return writeTransaction(db, (tx) => writeAudit(tx, e))
  const p = (name: string) => sql.placeholder(name)
  await preparedQuery(db, 'audit.insert', (d) =>
    d
      .insert(auditLog)
      .values({
        at: p('at'),
        actorId: p('actorId'),
        actorLoginId: p('actorLoginId'),
        action: p('action'),
        outcome: p('outcome'),
        target: p('target'),
        detailJson: p('detailJson'),
        requestId: p('requestId'),
        customerId: sql`coalesce(${p('customerId')}, (SELECT r.customer_id FROM otp_requests r WHERE r.id = ${p('requestId')}))`,
        branchId: sql`coalesce(${p('branchId')}, (SELECT r.branch_id FROM otp_requests r WHERE r.id = ${p('requestId')}),
          (SELECT s.branch_id FROM staff s WHERE s.id = ${p('actorId')}))`,
      })
      .prepare(),
  ).run({
    at: e.at,
    actorId: e.actorId,
    actorLoginId: e.actorLoginId,
    action: e.action,
    outcome: e.outcome,
    target: e.target ?? null,
    detailJson: e.detail ? JSON.stringify(e.detail) : null,
    requestId: e.requestId ?? idIn(e.target, 'request'),
    customerId: e.customerId ?? idIn(e.target, 'customer'),
    branchId: e.branchId ?? null,
  })
}
