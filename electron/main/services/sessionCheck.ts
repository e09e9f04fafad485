// Every call checks its session against the staff row it names: one primary-key read. A lockout,
// a reset, a retirement or a role change bumps staff.auth_version, and a session that started
// with an older version ends here, before its holder's next command, whichever process (or
// terminal) made the change. A rename reaches the session at once.
import { eq, sql } from 'drizzle-orm'
import { preparedQuery } from '../../../db/prepared'
import { staff } from '../../../db/schema'
import type { SessionUser } from '../../../shared/types'
import type { AppContext } from '../context'

export async function currentSessionUser(ctx: AppContext, sessionKey: string, user: SessionUser | null): Promise<SessionUser | null> {
  if (!user) return null
  const row = await preparedQuery(ctx.db, 'staff.sessionCheck', (d) =>
    d
      .select({
        active: staff.active,
        lockedAt: staff.lockedAt,
        authVersion: staff.authVersion,
        mustChangePassword: staff.mustChangePassword,
        name: staff.name,
        role: staff.role,
      })
      .from(staff)
      .where(eq(staff.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id: user.staffId }) as
    | undefined
    | { active: boolean; lockedAt: string | null; authVersion: number; mustChangePassword: boolean; name: string; role: SessionUser['role'] }
  if (!row || !row.active || row.lockedAt !== null || row.authVersion !== ctx.sessions.authVersion(sessionKey) || row.role !== user.role) {
    ctx.sessions.delete(sessionKey)
    return null
  }
  return { ...user, name: row.name, mustChangePassword: row.mustChangePassword }
}
