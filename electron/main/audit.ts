// The audit trail: one append-only row per command, written in the same transaction as the
// change it describes (or on its own for a refusal, which changes nothing else).
import { sql } from 'drizzle-orm'
import { preparedQuery } from '../../db/prepared'
import { auditLog } from '../../db/schema'
import { sqliteOf, type Db } from '../../db/open'
import { writeTransaction } from './tx'

export interface AuditEntry {
  at: string
  actorId: number | null
  actorLoginId: string | null
  action: string
  outcome: 'ok' | 'refused' | 'failed'
  target?: string | null
  detail?: Record<string, unknown> | null
}

type Writer = Pick<Db, 'select' | 'insert' | 'update'>

export function writeAudit(db: Writer, e: AuditEntry): void {
  // Outside a transaction (a refusal, which changes nothing else): a transaction of its own, so the
  // row gets its journal entry like every other write.
  if (sqliteOf(db) && !sqliteOf(db)!.inTransaction) return writeTransaction(db as Db, (tx) => writeAudit(tx, e))
  const p = (name: string) => sql.placeholder(name)
  preparedQuery(db, 'audit.insert', (d) =>
    d
      .insert(auditLog)
      .values({ at: p('at'), actorId: p('actorId'), actorLoginId: p('actorLoginId'), action: p('action'), outcome: p('outcome'), target: p('target'), detailJson: p('detailJson') })
      .prepare(),
  ).run({
    at: e.at,
    actorId: e.actorId,
    actorLoginId: e.actorLoginId,
    action: e.action,
    outcome: e.outcome,
    target: e.target ?? null,
    detailJson: e.detail ? JSON.stringify(e.detail) : null,
  })
}
