// Branch settings kept in the ledger (settings table), maintained by administrators.
import { eq } from 'drizzle-orm'
import { settings } from '../../../db/schema'
import type { OpParsed } from '../../../shared/contract'
import { branchSettingsSchema, type BranchSettings } from '../../../shared/schemas'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { writeTransaction, type Tx } from '../tx'
import { requireUser, type Caller } from './caller'

export const DEFAULT_UNLOCK_REPEAT_DAYS = 30

export function getSettings(db: Pick<AppContext['db'], 'select'> | Tx): BranchSettings {
  const raw = db.select().from(settings).where(eq(settings.key, 'unlock_repeat_days')).get()?.value
  // A value that is not what settings.update writes (edited by hand, damaged) falls back to the default.
  const parsed = branchSettingsSchema.shape.unlockRepeatDays.safeParse(raw === undefined ? undefined : Number(raw))
  return { unlockRepeatDays: parsed.success ? parsed.data : DEFAULT_UNLOCK_REPEAT_DAYS }
}

export function updateSettings(ctx: AppContext, input: OpParsed<'settings.update'>, caller: Caller): BranchSettings {
  const admin = requireUser(caller)
  writeTransaction(ctx.db, (tx) => {
    const before = getSettings(tx)
    tx.insert(settings)
      .values({ key: 'unlock_repeat_days', value: String(input.unlockRepeatDays) })
      .onConflictDoUpdate({ target: settings.key, set: { value: String(input.unlockRepeatDays) } })
      .run()
    writeAudit(tx, {
      at: ctx.clock().toISOString(),
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'settings.update',
      outcome: 'ok',
      detail: { before, after: input },
    })
  })
  return getSettings(ctx.db)
}
