// Staff accounts, managed by administrators.
import { asc, eq } from 'drizzle-orm'
import { staff } from '../../../db/schema'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import type { StaffSummary } from '../../../shared/types'
import { writeAudit } from '../audit'
import { writeTransaction } from '../tx'
import type { AppContext } from '../context'
import { hashPassword } from '../passwords'
import { requireUser, type Caller } from './caller'

type StaffRow = typeof staff.$inferSelect

function summary(r: StaffRow): StaffSummary {
  return {
    id: r.id,
    loginId: r.loginId,
    name: r.name,
    role: r.role,
    active: r.active,
    locked: r.lockedAt !== null,
    failedAttempts: r.failedAttempts,
    lastLoginAt: r.lastLoginAt,
  }
}

export function listStaff(ctx: AppContext): StaffSummary[] {
  return ctx.db.select().from(staff).orderBy(asc(staff.loginId)).all().map(summary)
}

export async function createStaff(ctx: AppContext, input: OpParsed<'staff.create'>, caller: Caller): Promise<StaffSummary> {
  const admin = requireUser(caller)
  const passwordHash = await hashPassword(input.password)
  const at = ctx.clock().toISOString()
  const row = writeTransaction(ctx.db, (tx) => {
    if (tx.select({ id: staff.id }).from(staff).where(eq(staff.loginId, input.loginId)).get())
      throw new AppError('LOGIN_ID_TAKEN', undefined, { loginId: 'この職員IDは既に使われています' })
    const me = tx.select().from(staff).where(eq(staff.id, admin.staffId)).get()
    if (!me) throw new AppError('STAFF_NOT_FOUND')
    const created = tx
      .insert(staff)
      .values({ loginId: input.loginId, name: input.name, role: input.role, branchId: me.branchId, passwordHash, createdAt: at })
      .returning()
      .get()
    writeAudit(tx, {
      at,
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'staff.create',
      outcome: 'ok',
      target: `staff:${created.id}`,
      detail: { loginId: created.loginId, role: created.role },
    })
    return created
  })
  ctx.events.emitChanged({ kind: 'staff_changed' })
  return summary(row)
}

export function unlockStaff(ctx: AppContext, input: OpParsed<'staff.unlock'>, caller: Caller): StaffSummary {
  const admin = requireUser(caller)
  const at = ctx.clock().toISOString()
  const row = writeTransaction(ctx.db, (tx) => {
    const target = tx.select().from(staff).where(eq(staff.id, input.staffId)).get()
    if (!target) throw new AppError('STAFF_NOT_FOUND')
    const updated = tx
      .update(staff)
      .set({ lockedAt: null, failedAttempts: 0 })
      .where(eq(staff.id, input.staffId))
      .returning()
      .get()!
    writeAudit(tx, {
      at,
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'staff.unlock',
      outcome: 'ok',
      target: `staff:${target.id}`,
      detail: { wasLocked: target.lockedAt !== null, failedAttempts: target.failedAttempts },
    })
    return updated
  })
  ctx.events.emitChanged({ kind: 'staff_changed' })
  return summary(row)
}

/** パスワード再設定: an administrator sets a new password for a staff member who forgot theirs. It
 * also lifts a lockout and ends the staff member's open sessions. */
export async function resetStaffPassword(
  ctx: AppContext,
  input: OpParsed<'staff.resetPassword'>,
  caller: Caller,
): Promise<StaffSummary> {
  const admin = requireUser(caller)
  const passwordHash = await hashPassword(input.password)
  const at = ctx.clock().toISOString()
  const row = writeTransaction(ctx.db, (tx) => {
    const target = tx.select().from(staff).where(eq(staff.id, input.staffId)).get()
    if (!target) throw new AppError('STAFF_NOT_FOUND')
    const updated = tx
      .update(staff)
      .set({ passwordHash, lockedAt: null, failedAttempts: 0 })
      .where(eq(staff.id, input.staffId))
      .returning()
      .get()!
    writeAudit(tx, {
      at,
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'staff.resetPassword',
      outcome: 'ok',
      target: `staff:${target.id}`,
      detail: { loginId: target.loginId, wasLocked: target.lockedAt !== null },
    })
    return updated
  })
  ctx.sessions.deleteStaff(row.id)
  ctx.events.emitChanged({ kind: 'staff_changed' })
  return summary(row)
}
