// Refusals on the record: a 閉塞解除 refused at the counter because fraud is suspected (不正利用の
//疑い＝あり in the checklist). No request is sent on, but the refusal is kept with the customer
// (history), in the branch's 日次取扱一覧 (counter_refusals, by branch and date) and in the audit,
// all in one transaction.
import { eq, sql } from 'drizzle-orm'
import { branches, counterRefusals, customers } from '../../../db/schema'
import { preparedQuery } from '../../../db/prepared'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { japanDate } from '../../../shared/datetime'
import type { CustomerDetail, SessionUser } from '../../../shared/types'
import { writeAudit } from '../audit'
import { writeTransaction } from '../tx'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'
import { getCustomer } from './customers'
import { history } from './requests'

type Answers = Partial<OpParsed<'refusals.recordUnlockFraud'>['verification']>

/** Writes the refusal (history, counter_refusals, audit) in one transaction. `action` names the
 * operation refused: the checklist's own record, or a 閉塞解除 sent with fraud suspected. */
export async function recordUnlockRefusal(
  ctx: AppContext,
  user: SessionUser,
  input: { customerId: number; verification: Answers },
  action: string,
): Promise<void> {
  const now = ctx.clock()
  const at = now.toISOString()
  await writeTransaction(ctx.db, async (tx) => {
    const c = await preparedQuery(tx, 'customers.byId', (d) => d.select().from(customers).where(eq(customers.id, sql.placeholder('id'))).prepare()).get({
      id: input.customerId,
    })
    if (!c) throw new AppError('CUSTOMER_NOT_FOUND')
    const branch = await preparedQuery(tx, 'branches.byCode', (d) => d.select().from(branches).where(eq(branches.code, sql.placeholder('code'))).prepare()).get({
      code: user.branchCode,
    })
    if (!branch) throw new AppError('NOT_FOUND', '職員の所属店が見つかりません。')
    const v = input.verification
    const detail = {
      othersMayHaveTried: v.othersMayHaveTried ?? null,
      blockAccount: v.blockAccount ?? null,
      status: c.otpStatus,
    }
    await tx.insert(counterRefusals)
      .values({
        branchId: branch.id,
        businessDate: japanDate(now),
        customerId: c.id,
        kind: 'unlock',
        reason: 'fraud_suspected',
        at,
        staffId: user.staffId,
        detailJson: JSON.stringify(detail),
      })
      .run()
    const account = v.blockAccount ? `（お客さまの説明：${v.blockAccount}）` : ''
    await history(tx, {
      customerId: c.id,
      at,
      kind: 'unlock_refused',
      fromStatus: c.otpStatus,
      actorId: user.staffId,
      note: `不正利用の疑いがあるため閉塞解除をお断りしました。利用停止の手続きをご案内${account}`,
    })
    await writeAudit(tx, {
      at,
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action,
      outcome: 'refused',
      target: `customer:${c.id}`,
      detail: { reason: 'FRAUD_SUSPECTED', ...detail },
    })
  })
  ctx.events.emitChanged({ kind: 'unlock_refused', customerId: input.customerId })
}

/** The checklist's 「不正の疑いでお断りし、記録する」: the teller records the refusal, then steers the
 * customer to a 利用停止. Returns the customer as the screen shows it. */
export async function recordUnlockFraudRefusal(ctx: AppContext, input: OpParsed<'refusals.recordUnlockFraud'>, caller: Caller): Promise<CustomerDetail> {
  const user = requireUser(caller)
  await recordUnlockRefusal(ctx, user, input, 'refusals.recordUnlockFraud')
  return getCustomer(ctx, { customerId: input.customerId })
}
