// Events the branch learns from the centre or the customer (トークン発行, 利用開始, 閉塞, 発行規制).
// They record what already happened, so the status changes at once; each is kept in the history
// with its source and the day it happened, and audited.
import { eq } from 'drizzle-orm'
import { customers, otpHistory } from '../../../db/schema'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { japanDate } from '../../../shared/datetime'
import { BLOCK_AFTER_WRONG_CODES, EVENT_TRANSITIONS, eventBlock } from '../../../shared/status'
import type { CustomerDetail } from '../../../shared/types'
import { writeAudit } from '../audit'
import { writeTransaction } from '../tx'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'
import { getCustomer } from './customers'

export function recordEvent(ctx: AppContext, input: OpParsed<'events.record'>, caller: Caller): CustomerDetail {
  const user = requireUser(caller)
  const at = ctx.clock().toISOString()
  if (input.occurredOn > japanDate(ctx.clock()))
    throw new AppError('VALIDATION_FAILED', undefined, { occurredOn: '発生日に未来の日付は入力できません' })

  writeTransaction(ctx.db, (tx) => {
    const c = tx.select().from(customers).where(eq(customers.id, input.customerId)).get()
    if (!c) throw new AppError('CUSTOMER_NOT_FOUND')
    if (c.version !== input.customerVersion) throw new AppError('STALE_VERSION')
    const block = eventBlock(input.kind, c.otpStatus)
    if (block) throw new AppError(block.code, block.message)
    const to = EVENT_TRANSITIONS[input.kind].to
    const changed = tx
      .update(customers)
      .set({
        otpStatus: to,
        statusChangedAt: at,
        updatedAt: at,
        version: c.version + 1,
        ...(input.kind === 'blocked' ? { wrongEntryCount: BLOCK_AFTER_WRONG_CODES } : {}),
        ...(input.kind === 'use_started' ? { wrongEntryCount: 0 } : {}),
      })
      .where(eq(customers.id, c.id))
      .run().changes
    if (changed !== 1) throw new AppError('STALE_VERSION')
    tx.insert(otpHistory)
      .values({
        customerId: c.id,
        at,
        kind: 'event',
        fromStatus: c.otpStatus,
        toStatus: to,
        actorId: user.staffId,
        note: input.note ?? null,
        eventKind: input.kind,
        eventSource: input.source,
        occurredOn: input.occurredOn,
      })
      .run()
    writeAudit(tx, {
      at,
      actorId: user.staffId,
      actorLoginId: user.loginId,
      action: 'events.record',
      outcome: 'ok',
      target: `customer:${c.id}`,
      detail: { kind: input.kind, source: input.source, occurredOn: input.occurredOn, from: c.otpStatus, to },
    })
  })
  ctx.events.emitChanged({ kind: 'event_recorded', customerId: input.customerId })
  return getCustomer(ctx, { customerId: input.customerId })
}
