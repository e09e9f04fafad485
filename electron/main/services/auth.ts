// Staff login, the first administrator of a fresh ledger, one's own password change (required
// first after an administrator set the password), and the lockout after five consecutive wrong
// passwords (lifted only by an administrator). Every attempt is audited.
import { and, eq, isNull, sql } from 'drizzle-orm'
import { branches, settings, staff } from '../../../db/schema'
import { loginKeyOf } from '../../../shared/staffId'
import { changesOf } from '../../../db/ledger'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import type { AuthState, SessionUser } from '../../../shared/types'
import { writeAudit } from '../audit'
import { writeTransaction } from '../tx'
import type { AppContext } from '../context'
import { DUMMY_HASH, hashPassword, verifyPassword } from '../passwords'
import { audited, requireUser, type Caller } from './caller'

export const MAX_FAILED_LOGINS = 5

export async function staffCount(ctx: AppContext): Promise<number> {
  return (await ctx.db.select({ n: sql<number>`count(*)` }).from(staff).get())?.n ?? 0
}

export async function authState(ctx: AppContext, caller: Caller): Promise<AuthState> {
  return { needsSetup: await staffCount(ctx) === 0, user: caller.user, sessionIdleMs: ctx.sessions.idleMs }
}

/** The settings key naming the administrator who set the ledger up (初期設定). */
export const FIRST_ADMIN_KEY = 'first_admin_staff_id'

export async function sessionUserOf(ctx: AppContext, staffId: number): Promise<SessionUser> {
  return (await sessionOf(ctx, staffId)).user
}

/** A staff member as a session holds them, and the version of their account it starts with. */
export async function sessionOf(ctx: AppContext, staffId: number): Promise<{ user: SessionUser; authVersion: number }> {
  const row = await ctx.db
    .select({
      staffId: staff.id,
      loginId: staff.loginId,
      name: staff.name,
      role: staff.role,
      branchCode: branches.code,
      branchName: branches.name,
      mustChangePassword: staff.mustChangePassword,
      authVersion: staff.authVersion,
    })
    .from(staff)
    .innerJoin(branches, eq(branches.id, staff.branchId))
    .where(eq(staff.id, staffId))
    .get()
  if (!row) throw new AppError('STAFF_NOT_FOUND')
  const { authVersion, ...user } = row
  return { user, authVersion }
}

export async function setupFirstAdmin(
  ctx: AppContext,
  input: OpParsed<'auth.setupFirstAdmin'>,
  caller: Caller,
): Promise<SessionUser> {
  if (await staffCount(ctx) > 0) throw new AppError('SETUP_ALREADY_DONE')
  const passwordHash = await hashPassword(input.password)
  const at = ctx.clock().toISOString()
  const staffId = await writeTransaction(ctx.db, async (tx) => {
    // Checked again inside the transaction: two first-run windows must not both create an admin.
    const n = (await tx.select({ n: sql<number>`count(*)` }).from(staff).get())?.n ?? 0
    if (n > 0) throw new AppError('SETUP_ALREADY_DONE')
    let branch = await tx.select().from(branches).where(eq(branches.code, input.branchCode)).get()
    if (!branch) branch = await tx.insert(branches).values({ code: input.branchCode, name: input.branchName }).returning().get()
    const row = await tx
      .insert(staff)
      .values({
        loginId: input.loginId,
        loginKey: loginKeyOf(input.loginId),
        name: input.name,
        role: 'admin',
        branchId: branch.id,
        passwordHash,
        createdAt: at,
      })
      .returning({ id: staff.id })
      .get()
    // What the forms print about the institution (settings.update maintains them later).
    const put = (key: string, value: string) =>
      tx.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run()
    await put('institution_name', input.institutionName)
    await put('branch_phone', input.branchPhone)
    await put(FIRST_ADMIN_KEY, String(row.id))
    await writeAudit(tx, {
      at,
      actorId: row.id,
      actorLoginId: input.loginId,
      action: 'auth.setupFirstAdmin',
      outcome: 'ok',
      target: `staff:${row.id}`,
      detail: { branchCode: input.branchCode, institutionName: input.institutionName, branchPhone: input.branchPhone },
    })
    return row.id
  })
  const { user, authVersion } = await sessionOf(ctx, staffId)
  ctx.sessions.set(caller.sessionKey, user, authVersion)
  return user
}

/**
 * Checks a staff member's credentials, for a login or for a supervisor's 役席認証 at the counter:
 * every attempt is audited under `action`, counts toward the five-in-a-row lockout and is reserved
 * atomically before the hash is checked. Returns the staff member's id, or throws the refusal.
 */
export async function verifyStaffCredentials(
  ctx: AppContext,
  input: { loginId: string; password: string },
  action: string,
  context: Record<string, unknown> = {},
): Promise<number> {
  const at = () => ctx.clock().toISOString()
  // Case and width do not matter: the folded key is unique (0009).
  const row = await ctx.db.select().from(staff).where(eq(staff.loginKey, loginKeyOf(input.loginId))).get()
  const base = { actorId: row?.id ?? null, actorLoginId: input.loginId, action }
  const refuse = async (reason: string, err: AppError, detail: Record<string, unknown> = {}): Promise<never> => {
    await writeAudit(ctx.db, { ...base, at: at(), outcome: 'refused', target: row ? `staff:${row.id}` : null, detail: { reason, ...context, ...detail } })
    throw audited(err)
  }

  if (!row) {
    await verifyPassword(input.password, DUMMY_HASH) // the same time as for a known ID
    return refuse('LOGIN_FAILED', new AppError('LOGIN_FAILED'), { unknownId: true })
  }
  // Reserve this attempt before the (slow) hash is checked: the counter goes up atomically, so
  // guesses sent in parallel cannot all be checked before the lockout lands. A correct password
  // gives the attempt back below.
  const reserved = await writeTransaction(
    ctx.db,
    (tx) =>
      tx
        .update(staff)
        .set({ failedAttempts: sql`${staff.failedAttempts} + 1` })
        .where(and(eq(staff.id, row.id), isNull(staff.lockedAt), eq(staff.active, true)))
        .returning({ attempt: staff.failedAttempts })
        .get(),
    { at: at(), actorId: row.id, actorLoginId: row.loginId, action: `${action}.attempt`, outcome: 'ok' },
  )
  if (!reserved) {
    const now = (await ctx.db.select().from(staff).where(eq(staff.id, row.id)).get())!
    if (!now.active) return refuse('ACCOUNT_INACTIVE', new AppError('ACCOUNT_INACTIVE'))
    return refuse('ACCOUNT_LOCKED', new AppError('ACCOUNT_LOCKED'))
  }
  const lockMessage = `パスワードを${MAX_FAILED_LOGINS}回続けて間違えたため、この職員アカウントをロックしました。管理者に解除を依頼してください。`
  const lock = async (failed: number): Promise<void> => {
    const locked = await writeTransaction(ctx.db,
      async (tx) => {
        const changed = changesOf(await tx
          .update(staff)
          .set({ lockedAt: at(), authVersion: sql`${staff.authVersion} + 1` })
          .where(and(eq(staff.id, row.id), isNull(staff.lockedAt)))
          .run())
        if (changed) await writeAudit(tx, { ...base, at: at(), action: 'auth.lockout', outcome: 'ok', target: `staff:${row.id}`, detail: { failed } })
        return changed > 0
      }
    )
    if (locked) {
      ctx.sessions.deleteStaff(row.id)
      ctx.events.emitChanged({ kind: 'staff_changed' })
    }
  }
  if (reserved.attempt > MAX_FAILED_LOGINS) {
    // More guesses were in flight than the limit allows: this one is not even checked.
    await lock(reserved.attempt)
    return refuse('ACCOUNT_LOCKED', new AppError('ACCOUNT_LOCKED', lockMessage), { failed: reserved.attempt })
  }

  const ok = await verifyPassword(input.password, row.passwordHash)
  if (!ok) {
    if (reserved.attempt >= MAX_FAILED_LOGINS) {
      await lock(reserved.attempt)
      return refuse('LOGIN_FAILED', new AppError('ACCOUNT_LOCKED', lockMessage), { failed: reserved.attempt })
    }
    ctx.events.emitChanged({ kind: 'staff_changed' }) // 職員管理 shows the count
    return refuse('LOGIN_FAILED', new AppError('LOGIN_FAILED'), { failed: reserved.attempt })
  }

  const granted = await writeTransaction(ctx.db,
    async (tx) => {
      // A lockout that landed while the hash was being checked wins over the correct password.
      const changed = changesOf(await tx
        .update(staff)
        .set({ failedAttempts: 0, ...(action === 'auth.login' ? { lastLoginAt: at() } : {}) })
        .where(and(eq(staff.id, row.id), isNull(staff.lockedAt), eq(staff.active, true)))
        .run())
      if (changed) await writeAudit(tx, { ...base, at: at(), outcome: 'ok', target: `staff:${row.id}`, detail: Object.keys(context).length ? context : null })
      return changed > 0
    }
  )
  if (!granted) return refuse('ACCOUNT_LOCKED', new AppError('ACCOUNT_LOCKED'))
  return row.id
}

export async function login(ctx: AppContext, input: OpParsed<'auth.login'>, caller: Caller): Promise<SessionUser> {
  const staffId = await verifyStaffCredentials(ctx, input, 'auth.login')
  const { user, authVersion } = await sessionOf(ctx, staffId)
  const previous = ctx.sessions.set(caller.sessionKey, user, authVersion)
  // A login on a window someone is still logged in to logs that person out, on the record.
  if (previous) await recordLogout(ctx, previous, { reason: 'replaced_by_login', by: user.loginId })
  return user
}

async function recordLogout(ctx: AppContext, user: SessionUser, detail: Record<string, unknown> | null): Promise<void> {
  await writeAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorId: user.staffId,
    actorLoginId: user.loginId,
    action: 'auth.logout',
    outcome: 'ok',
    detail,
  })
}

export async function logout(ctx: AppContext, caller: Caller): Promise<null> {
  if (caller.user) await recordLogout(ctx, caller.user, null)
  ctx.sessions.delete(caller.sessionKey)
  return null
}

/**
 * パスワード変更: the staff member's own, with the current password typed again (checked like a
 * login: audited, counted toward the lockout). Clears the one-time flag; the account's other
 * sessions end, this one goes on.
 */
export async function changeOwnPassword(ctx: AppContext, input: OpParsed<'auth.changePassword'>, caller: Caller): Promise<SessionUser> {
  const me = requireUser(caller)
  try {
    await verifyStaffCredentials(ctx, { loginId: me.loginId, password: input.currentPassword }, 'auth.changePassword')
  } catch (err) {
    if (err instanceof AppError && err.code === 'LOGIN_FAILED')
      throw audited(new AppError('CURRENT_PASSWORD_WRONG', undefined, { currentPassword: '現在のパスワードが違います' }))
    throw err
  }
  const passwordHash = await hashPassword(input.newPassword)
  const at = ctx.clock().toISOString()
  const row = await writeTransaction(ctx.db, async (tx) => {
    const before = await tx.select().from(staff).where(eq(staff.id, me.staffId)).get()
    if (!before) throw new AppError('STAFF_NOT_FOUND')
    const updated = await tx
      .update(staff)
      .set({ passwordHash, mustChangePassword: false, authVersion: sql`${staff.authVersion} + 1` })
      .where(and(eq(staff.id, me.staffId), eq(staff.active, true), isNull(staff.lockedAt)))
      .returning()
      .get()
    if (!updated) throw new AppError('ACCOUNT_LOCKED')
    await writeAudit(tx, {
      at,
      actorId: me.staffId,
      actorLoginId: me.loginId,
      action: 'auth.changePassword',
      outcome: 'ok',
      target: `staff:${me.staffId}`,
      detail: { wasOneTime: before.mustChangePassword },
    })
    return updated
  })
  ctx.sessions.deleteStaff(me.staffId, caller.sessionKey)
  const { user } = await sessionOf(ctx, me.staffId)
  ctx.sessions.update(caller.sessionKey, user, row.authVersion)
  ctx.events.emitChanged({ kind: 'staff_changed' })
  return user
}
