// Staff login, the first administrator of a fresh ledger, and the lockout after five consecutive
// wrong passwords (lifted only by an administrator). Every attempt is audited.
import { eq, sql } from 'drizzle-orm'
import { branches, staff } from '../../../db/schema'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import type { AuthState, SessionUser } from '../../../shared/types'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { DUMMY_HASH, hashPassword, verifyPassword } from '../passwords'
import { audited, type Caller } from './caller'

export const MAX_FAILED_LOGINS = 5

export function staffCount(ctx: AppContext): number {
  return ctx.db.select({ n: sql<number>`count(*)` }).from(staff).get()?.n ?? 0
}

export function authState(ctx: AppContext, caller: Caller): AuthState {
  return { needsSetup: staffCount(ctx) === 0, user: caller.user }
}

function sessionUserOf(ctx: AppContext, staffId: number): SessionUser {
  const row = ctx.db
    .select({
      staffId: staff.id,
      loginId: staff.loginId,
      name: staff.name,
      role: staff.role,
      branchCode: branches.code,
      branchName: branches.name,
    })
    .from(staff)
    .innerJoin(branches, eq(branches.id, staff.branchId))
    .where(eq(staff.id, staffId))
    .get()
  if (!row) throw new AppError('STAFF_NOT_FOUND')
  return row
}

export async function setupFirstAdmin(
  ctx: AppContext,
  input: OpParsed<'auth.setupFirstAdmin'>,
  caller: Caller,
): Promise<SessionUser> {
  if (staffCount(ctx) > 0) throw new AppError('SETUP_ALREADY_DONE')
  const passwordHash = await hashPassword(input.password)
  const at = ctx.clock().toISOString()
  const staffId = ctx.db.transaction((tx) => {
    // Checked again inside the transaction: two first-run windows must not both create an admin.
    const n = tx.select({ n: sql<number>`count(*)` }).from(staff).get()?.n ?? 0
    if (n > 0) throw new AppError('SETUP_ALREADY_DONE')
    let branch = tx.select().from(branches).where(eq(branches.code, input.branchCode)).get()
    if (!branch) branch = tx.insert(branches).values({ code: input.branchCode, name: input.branchName }).returning().get()
    const row = tx
      .insert(staff)
      .values({ loginId: input.loginId, name: input.name, role: 'admin', branchId: branch.id, passwordHash, createdAt: at })
      .returning({ id: staff.id })
      .get()
    writeAudit(tx, {
      at,
      actorId: row.id,
      actorLoginId: input.loginId,
      action: 'auth.setupFirstAdmin',
      outcome: 'ok',
      target: `staff:${row.id}`,
      detail: { branchCode: input.branchCode },
    })
    return row.id
  })
  const user = sessionUserOf(ctx, staffId)
  ctx.sessions.set(caller.sessionKey, user)
  return user
}

export async function login(ctx: AppContext, input: OpParsed<'auth.login'>, caller: Caller): Promise<SessionUser> {
  const row = ctx.db.select().from(staff).where(eq(staff.loginId, input.loginId)).get()
  const ok = await verifyPassword(input.password, row?.passwordHash ?? DUMMY_HASH)
  const at = ctx.clock().toISOString()
  const base = { at, actorId: row?.id ?? null, actorLoginId: input.loginId, action: 'auth.login' }

  if (!row) {
    writeAudit(ctx.db, { ...base, outcome: 'refused', detail: { reason: 'LOGIN_FAILED', unknownId: true } })
    throw audited(new AppError('LOGIN_FAILED'))
  }
  if (row.lockedAt) {
    writeAudit(ctx.db, { ...base, outcome: 'refused', target: `staff:${row.id}`, detail: { reason: 'ACCOUNT_LOCKED' } })
    throw audited(new AppError('ACCOUNT_LOCKED'))
  }
  if (!row.active) {
    writeAudit(ctx.db, { ...base, outcome: 'refused', target: `staff:${row.id}`, detail: { reason: 'ACCOUNT_INACTIVE' } })
    throw audited(new AppError('ACCOUNT_INACTIVE'))
  }
  if (!ok) {
    const locked = ctx.db.transaction((tx) => {
      // Counted in SQL, not from the row read before the (slow) hash: concurrent failures all count.
      const after = tx
        .update(staff)
        .set({ failedAttempts: sql`${staff.failedAttempts} + 1` })
        .where(eq(staff.id, row.id))
        .returning({ failed: staff.failedAttempts })
        .get()
      const failed = after?.failed ?? 0
      const lockNow = failed >= MAX_FAILED_LOGINS
      if (lockNow) tx.update(staff).set({ lockedAt: at }).where(eq(staff.id, row.id)).run()
      writeAudit(tx, { ...base, outcome: 'refused', target: `staff:${row.id}`, detail: { reason: 'LOGIN_FAILED', failed } })
      if (lockNow)
        writeAudit(tx, { ...base, action: 'auth.lockout', outcome: 'ok', target: `staff:${row.id}`, detail: { failed } })
      return lockNow
    })
    if (locked) {
      ctx.sessions.deleteStaff(row.id)
      throw audited(
        new AppError('ACCOUNT_LOCKED', `パスワードを${MAX_FAILED_LOGINS}回続けて間違えたため、この職員アカウントをロックしました。管理者に解除を依頼してください。`),
      )
    }
    throw audited(new AppError('LOGIN_FAILED'))
  }

  ctx.db.transaction((tx) => {
    tx.update(staff).set({ failedAttempts: 0, lastLoginAt: at }).where(eq(staff.id, row.id)).run()
    writeAudit(tx, { ...base, outcome: 'ok', target: `staff:${row.id}` })
  })
  const user = sessionUserOf(ctx, row.id)
  ctx.sessions.set(caller.sessionKey, user)
  return user
}

export function logout(ctx: AppContext, caller: Caller): null {
  if (caller.user) {
    writeAudit(ctx.db, {
      at: ctx.clock().toISOString(),
      actorId: caller.user.staffId,
      actorLoginId: caller.user.loginId,
      action: 'auth.logout',
      outcome: 'ok',
    })
  }
  ctx.sessions.delete(caller.sessionKey)
  return null
}
