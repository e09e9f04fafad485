// Which branch a caller sees and acts on, decided here once (issue 12). The ledger holds many
// branches; staff belong to one. Tellers and supervisors see and act on their own branch's
// requests only. Roles in ALL_BRANCH_ROLES (管理者, 本部) see every branch; a per-branch screen
// asks them which one (default: their own). Acting is never widened here: the head office acts on
// nothing (refused centrally by the dispatcher from shared/operations.ts), and an administrator's
// operations do not touch requests. Customers are not scoped: they are searchable across the
// credit union, and a request belongs to the branch that received it.
import { eq, sql } from 'drizzle-orm'
import { branches } from '../../../db/schema'
import { preparedQuery } from '../../../db/prepared'
import { AppError } from '../../../shared/errors'
import type { StaffRole } from '../../../shared/schemas'
import type { BranchSummary, SessionUser } from '../../../shared/types'
import type { AppContext } from '../context'
import type { Tx } from '../tx'

type Db = AppContext['db'] | Tx

export interface Branch {
  id: number
  code: string
  name: string
}

/** Roles that see the records of every branch. */
export const ALL_BRANCH_ROLES: ReadonlySet<StaffRole> = new Set<StaffRole>(['admin', 'head_office'])

export function seesAllBranches(user: Pick<SessionUser, 'role'>): boolean {
  return ALL_BRANCH_ROLES.has(user.role)
}

export async function branchByCode(db: Db, code: string): Promise<Branch | null> {
  return (
    await preparedQuery(db, 'branches.byCode', (d) => d.select().from(branches).where(eq(branches.code, sql.placeholder('code'))).prepare()).get({
      code,
    }) ?? null
  )
}

/** The caller's own branch (所属店). */
export async function ownBranch(db: Db, user: Pick<SessionUser, 'branchCode'>): Promise<Branch> {
  const b = await branchByCode(db, user.branchCode)
  if (!b) throw new AppError('NOT_FOUND', '職員の所属店が見つかりません。')
  return b
}

/** The message a branch's staff get for another branch's records on a screen that names a branch. */
export const OTHER_BRANCH_FIELD = '他の店の記録は照会できません'

/** The branch a per-branch screen (検印待ち, 日次取扱一覧) shows: the caller's own; for a role that
 * sees every branch, the one it chose (its own by default). Another branch asked by branch staff
 * is refused on the field; an unknown 店番 likewise. */
export async function viewedBranch(db: Db, user: SessionUser, requested?: string | null): Promise<Branch> {
  if (!requested || requested === user.branchCode) return ownBranch(db, user)
  if (!seesAllBranches(user)) throw new AppError('VALIDATION_FAILED', undefined, { branchCode: OTHER_BRANCH_FIELD })
  const b = await branchByCode(db, requested)
  if (!b) throw new AppError('VALIDATION_FAILED', undefined, { branchCode: 'この店番の店はありません' })
  return b
}

/** The 店番 filter of a read over branches (集計, CSV exports): branch staff always their own; a role
 * that sees every branch the one it asked for, or null for all of them. */
export function branchFilter(user: SessionUser, requested?: string | null): string | null {
  if (seesAllBranches(user)) return requested ?? null
  if (requested && requested !== user.branchCode) throw new AppError('VALIDATION_FAILED', undefined, { branchCode: OTHER_BRANCH_FIELD })
  return user.branchCode
}

/** Refuses a request of another branch to someone who acts on it (受付した店の職員だけが扱う). */
export async function requireOwnBranch(db: Db, user: Pick<SessionUser, 'branchCode'>, requestBranchId: number): Promise<void> {
  if ((await ownBranch(db, user)).id !== requestBranchId) throw new AppError('OTHER_BRANCH_REQUEST')
}

/** Refuses a request of another branch to someone who only reads it, unless they see every branch. */
export async function requireVisible(db: Db, user: SessionUser, requestBranchId: number): Promise<void> {
  if (!seesAllBranches(user)) await requireOwnBranch(db, user, requestBranchId)
}

/** Every branch by 店番 (a credit union has a few dozen): what the head office chooses from. */
export async function listBranches(ctx: AppContext): Promise<BranchSummary[]> {
  return preparedQuery(ctx.db, 'branches.list', (d) =>
    d.select({ code: branches.code, name: branches.name }).from(branches).orderBy(branches.code).prepare(),
  ).all()
}
