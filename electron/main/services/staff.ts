// Staff accounts, managed by administrators: register, unlock, reset a password, change a role,
// rename, retire. The rules (README「職員管理のルール」):
// - a password an administrator sets (registration, reset) is one-time: changed at first use;
// - registering a 役席 or 管理者, raising a role to one of them, and resetting a 役席's or
//   管理者's password take effect only with a second person's confirmation at that moment
//   (another administrator, or a supervisor, by their own ID and password; never the acting
//   administrator, never the person concerned, never someone whose own password is still
//   one-time). Only the first administrator, while the ledger has no request yet (初期設定), acts
//   alone, and the audit row says so;
// - a reset, a role change or a retirement ends the person's sessions before their next command.
import { and, asc, eq, sql } from 'drizzle-orm'
import { otpRequests, settings, staff } from '../../../db/schema'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { CONFIRMED_ROLES, ROLE_LABELS, type StaffRole } from '../../../shared/schemas'
import { loginKeyOf } from '../../../shared/staffId'
import type { SessionUser, StaffSummary } from '../../../shared/types'
import { writeAudit } from '../audit'
import { writeTransaction, type Tx } from '../tx'
import type { AppContext } from '../context'
import { hashPassword } from '../passwords'
import { FIRST_ADMIN_KEY, sessionUserOf, verifyStaffCredentials } from './auth'
import { audited, requireUser, type Caller } from './caller'

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
    mustChangePassword: r.mustChangePassword,
    retiredAt: r.retiredAt,
  }
}

export async function listStaff(ctx: AppContext): Promise<StaffSummary[]> {
  return (await ctx.db.select().from(staff).orderBy(asc(staff.loginId)).all()).map(summary)
}

type Confirmation = OpParsed<'staff.create'>['confirmation']
/** Who confirmed a change, as the audit row records it. */
type ConfirmedBy = { confirmedBy: { staffId: number; loginId: string; role: StaffRole } } | { soleSetup: true }

/** The first administrator, while the ledger has received no request yet: the set-up. */
async function inSoleSetup(ctx: AppContext, admin: SessionUser): Promise<boolean> {
  const first = (await ctx.db.select({ value: settings.value }).from(settings).where(eq(settings.key, FIRST_ADMIN_KEY)).get())?.value
  if (first !== String(admin.staffId)) return false
  return !await ctx.db.select({ id: otpRequests.id }).from(otpRequests).limit(1).get()
}

/**
 * The second person of a four-eyes staff change. Their credentials are checked now (audited as
 * staff.confirm, counted toward their lockout); they must be another administrator or a
 * supervisor, not the acting administrator, not the person concerned, and not holding a
 * one-time password (which the administrator would know).
 */
async function secondPerson(
  ctx: AppContext,
  admin: SessionUser,
  target: { id: number | null; loginId: string },
  confirmation: Confirmation,
  action: string,
): Promise<ConfirmedBy> {
  if (!confirmation) {
    if (await inSoleSetup(ctx, admin)) return { soleSetup: true }
    throw new AppError('CONFIRMATION_REQUIRED', undefined, { 'confirmation.loginId': '確認者（別の管理者または役席）の職員IDを入力してください' })
  }
  const context = { action, target: target.id ? `staff:${target.id}` : target.loginId, actingAdmin: admin.loginId }
  const refuse = async (reason: string, confirmer: SessionUser | null): Promise<never> => {
    await writeAudit(ctx.db, {
      at: ctx.clock().toISOString(),
      actorId: confirmer?.staffId ?? null,
      actorLoginId: confirmer?.loginId ?? confirmation.loginId,
      action: 'staff.confirm',
      outcome: 'refused',
      target: context.target,
      detail: { reason, ...context },
    })
    throw audited(new AppError('CONFIRMER_NOT_ALLOWED', undefined, { 'confirmation.loginId': '別の管理者または役席の職員IDを入力してください' }))
  }
  const key = loginKeyOf(confirmation.loginId)
  // Refused before any password is checked: the acting administrator or the person concerned.
  if (key === loginKeyOf(admin.loginId) || key === loginKeyOf(target.loginId)) return refuse('SELF_CONFIRMATION', null)
  const confirmerId = await verifyStaffCredentials(ctx, confirmation, 'staff.confirm', context)
  const confirmer = await sessionUserOf(ctx, confirmerId)
  if (confirmer.staffId === admin.staffId || confirmer.staffId === target.id) return refuse('SELF_CONFIRMATION', confirmer)
  if (confirmer.role !== 'admin' && confirmer.role !== 'supervisor') return refuse('NOT_A_CONFIRMER', confirmer)
  if (confirmer.mustChangePassword) return refuse('CONFIRMER_ONE_TIME_PASSWORD', confirmer)
  return { confirmedBy: { staffId: confirmer.staffId, loginId: confirmer.loginId, role: confirmer.role } }
}

async function loadTarget(tx: Tx | AppContext['db'], staffId: number): Promise<StaffRow> {
  const target = await tx.select().from(staff).where(eq(staff.id, staffId)).get()
  if (!target) throw new AppError('STAFF_NOT_FOUND')
  return target
}

function refuseRetired(target: StaffRow): void {
  if (target.retiredAt) throw new AppError('STAFF_RETIRED')
}

function refuseSelf(admin: SessionUser, target: StaffRow): void {
  if (target.id === admin.staffId) throw new AppError('SELF_STAFF_CHANGE')
}

/** The staff member's sessions end, and every 職員管理 screen shows the change. */
function afterChange(ctx: AppContext, staffId: number, endSessions: boolean): void {
  if (endSessions) ctx.sessions.deleteStaff(staffId)
  ctx.events.emitChanged({ kind: 'staff_changed' })
}

export async function createStaff(ctx: AppContext, input: OpParsed<'staff.create'>, caller: Caller): Promise<StaffSummary> {
  const admin = requireUser(caller)
  const loginKey = loginKeyOf(input.loginId)
  const taken = () => new AppError('LOGIN_ID_TAKEN', undefined, { loginId: 'この職員IDは既に使われています（大文字・小文字、全角・半角の違いは同じIDとみなします）' })
  if (await ctx.db.select({ id: staff.id }).from(staff).where(eq(staff.loginKey, loginKey)).get()) throw taken()
  const confirmed = CONFIRMED_ROLES.includes(input.role)
    ? await secondPerson(ctx, admin, { id: null, loginId: input.loginId }, input.confirmation, 'staff.create')
    : null
  const passwordHash = await hashPassword(input.password)
  const at = ctx.clock().toISOString()
  const row = await writeTransaction(ctx.db, async (tx) => {
    if (await tx.select({ id: staff.id }).from(staff).where(eq(staff.loginKey, loginKey)).get()) throw taken()
    const me = await loadTarget(tx, admin.staffId)
    const created = await tx
      .insert(staff)
      .values({
        loginId: input.loginId,
        loginKey,
        name: input.name,
        role: input.role,
        branchId: me.branchId,
        passwordHash,
        mustChangePassword: true,
        createdAt: at,
      })
      .returning()
      .get()
    await writeAudit(tx, {
      at,
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'staff.create',
      outcome: 'ok',
      target: `staff:${created.id}`,
      detail: { loginId: created.loginId, role: created.role, oneTimePassword: true, ...confirmed },
    })
    return created
  })
  afterChange(ctx, row.id, false)
  return summary(row)
}

export async function unlockStaff(ctx: AppContext, input: OpParsed<'staff.unlock'>, caller: Caller): Promise<StaffSummary> {
  const admin = requireUser(caller)
  const at = ctx.clock().toISOString()
  const row = await writeTransaction(ctx.db, async (tx) => {
    const target = await loadTarget(tx, input.staffId)
    const updated = (await tx.update(staff).set({ lockedAt: null, failedAttempts: 0 }).where(eq(staff.id, input.staffId)).returning().get())!
    await writeAudit(tx, {
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
  afterChange(ctx, row.id, false)
  return summary(row)
}

/** パスワード再設定: a new one-time password for a staff member who forgot theirs. It also lifts
 * a lockout and ends the staff member's sessions. A 役席's or 管理者's needs a second person. */
export async function resetStaffPassword(ctx: AppContext, input: OpParsed<'staff.resetPassword'>, caller: Caller): Promise<StaffSummary> {
  const admin = requireUser(caller)
  const before = await loadTarget(ctx.db, input.staffId)
  refuseSelf(admin, before)
  refuseRetired(before)
  const confirmed = CONFIRMED_ROLES.includes(before.role)
    ? await secondPerson(ctx, admin, { id: before.id, loginId: before.loginId }, input.confirmation, 'staff.resetPassword')
    : null
  const passwordHash = await hashPassword(input.password)
  const at = ctx.clock().toISOString()
  const row = await writeTransaction(ctx.db, async (tx) => {
    const target = await loadTarget(tx, input.staffId)
    refuseRetired(target)
    if (target.role !== before.role) throw new AppError('STALE_VERSION')
    const updated = (await tx
      .update(staff)
      .set({ passwordHash, mustChangePassword: true, lockedAt: null, failedAttempts: 0, authVersion: sql`${staff.authVersion} + 1` })
      .where(eq(staff.id, input.staffId))
      .returning()
      .get())!
    await writeAudit(tx, {
      at,
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'staff.resetPassword',
      outcome: 'ok',
      target: `staff:${target.id}`,
      detail: { loginId: target.loginId, role: target.role, wasLocked: target.lockedAt !== null, oneTimePassword: true, ...confirmed },
    })
    return updated
  })
  afterChange(ctx, row.id, true)
  return summary(row)
}

/** 役割の変更. To 役席 or 管理者 only with a second person; any change ends the person's sessions
 * (they log in again with the new role). An account holds one role: an administrator is never a
 * teller or supervisor in the same account. */
export async function changeStaffRole(ctx: AppContext, input: OpParsed<'staff.changeRole'>, caller: Caller): Promise<StaffSummary> {
  const admin = requireUser(caller)
  const before = await loadTarget(ctx.db, input.staffId)
  refuseSelf(admin, before)
  refuseRetired(before)
  if (before.role === input.role) return summary(before)
  const confirmed = CONFIRMED_ROLES.includes(input.role)
    ? await secondPerson(ctx, admin, { id: before.id, loginId: before.loginId }, input.confirmation, 'staff.changeRole')
    : null
  const at = ctx.clock().toISOString()
  const row = await writeTransaction(ctx.db, async (tx) => {
    const updated = await tx
      .update(staff)
      .set({ role: input.role, authVersion: sql`${staff.authVersion} + 1` })
      .where(and(eq(staff.id, input.staffId), eq(staff.role, before.role), eq(staff.active, true)))
      .returning()
      .get()
    if (!updated) throw new AppError('STALE_VERSION')
    await writeAudit(tx, {
      at,
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'staff.changeRole',
      outcome: 'ok',
      target: `staff:${before.id}`,
      detail: { loginId: before.loginId, from: before.role, to: input.role, ...confirmed },
    })
    return updated
  })
  afterChange(ctx, row.id, true)
  return summary(row)
}

/** 氏名の変更 (marriage, a misspelling). The login ID stays: the audit trail names people by it. */
export async function renameStaff(ctx: AppContext, input: OpParsed<'staff.rename'>, caller: Caller): Promise<StaffSummary> {
  const admin = requireUser(caller)
  const at = ctx.clock().toISOString()
  const row = await writeTransaction(ctx.db, async (tx) => {
    const target = await loadTarget(tx, input.staffId)
    refuseRetired(target)
    const updated = (await tx.update(staff).set({ name: input.name }).where(eq(staff.id, input.staffId)).returning().get())!
    await writeAudit(tx, {
      at,
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'staff.rename',
      outcome: 'ok',
      target: `staff:${target.id}`,
      detail: { loginId: target.loginId, before: target.name, after: input.name },
    })
    return updated
  })
  afterChange(ctx, row.id, false)
  return summary(row)
}

/** 退職・異動: the login is refused from now on and the sessions end; the row, the requests the
 * person received or checked, and the audit trail stay. Not undone: a returning person gets a
 * new account. */
export async function retireStaff(ctx: AppContext, input: OpParsed<'staff.retire'>, caller: Caller): Promise<StaffSummary> {
  const admin = requireUser(caller)
  const at = ctx.clock().toISOString()
  const row = await writeTransaction(ctx.db, async (tx) => {
    const target = await loadTarget(tx, input.staffId)
    refuseSelf(admin, target)
    refuseRetired(target)
    const updated = (await tx
      .update(staff)
      .set({ active: false, retiredAt: at, authVersion: sql`${staff.authVersion} + 1` })
      .where(eq(staff.id, input.staffId))
      .returning()
      .get())!
    await writeAudit(tx, {
      at,
      actorId: admin.staffId,
      actorLoginId: admin.loginId,
      action: 'staff.retire',
      outcome: 'ok',
      target: `staff:${target.id}`,
      detail: { loginId: target.loginId, role: target.role, roleLabel: ROLE_LABELS[target.role], reason: input.reason },
    })
    return updated
  })
  afterChange(ctx, row.id, true)
  return summary(row)
}
