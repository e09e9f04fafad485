// The audit trail: one append-only row per command, written in the same transaction as the
// change it describes (or on its own for a refusal, which changes nothing else).
import { auditLog } from '../../db/schema'
import type { Db } from '../../db/open'

export interface AuditEntry {
  at: string
  actorId: number | null
  actorLoginId: string | null
  action: string
  outcome: 'ok' | 'refused' | 'failed'
  target?: string | null
  detail?: Record<string, unknown> | null
}

type Writer = Pick<Db, 'insert'>

export function writeAudit(db: Writer, e: AuditEntry): void {
  db.insert(auditLog)
    .values({
      at: e.at,
      actorId: e.actorId,
      actorLoginId: e.actorLoginId,
      action: e.action,
      outcome: e.outcome,
      target: e.target ?? null,
      detailJson: e.detail ? JSON.stringify(e.detail) : null,
    })
    .run()
}
