// Events the branch learns from the centre or the customer (トークン発行, 利用開始, 閉塞, 発行規制).
// They record what already happened, so the status changes at once; each is kept in the history
// with its source and the day it happened, and audited. The rule is written once, here
// (applyEvent): recorded by hand at the counter or read from the IB centre's status list.
import { eq } from 'drizzle-orm'
import { customers, otpHistory } from '../../../db/schema'
import { changesOf } from '../../../db/ledger'
import { AppError } from '../../../shared/errors'
import type { OpParsed } from '../../../shared/contract'
import { japanDate } from '../../../shared/datetime'
import { BLOCK_AFTER_WRONG_CODES, EVENT_TRANSITIONS, eventBlock, type EventKind, type EventSource, type OtpStatus } from '../../../shared/status'
import type { CustomerDetail } from '../../../shared/types'
import { writeAudit } from '../audit'
import { writeTransaction, type Tx } from '../tx'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'
import { getCustomer } from './customers'

export interface EventFacts {
  kind: EventKind
  source: EventSource
  occurredOn: string
  note?: string | null
}

/** Why the event cannot be recorded for a customer in this state, or null. */
export function eventRefusal(kind: EventKind, c: { otpStatus: OtpStatus; closedOn: string | null }): AppError | null {
  if (c.closedOn) return new AppError('CUSTOMER_CLOSED', `このお客さまは解約済み（${c.closedOn}）のため、事象は記録できません。`)
  const block = eventBlock(kind, c.otpStatus)
  return block ? new AppError(block.code, block.message) : null
}

/** Records one event inside the caller's transaction: the status table's rule, the status
 * change, the history row and the audit row. `expectedVersion`, when given, refuses a stale screen. */
export async function applyEvent(
  tx: Tx,
  customerId: number,
  e: EventFacts,
  actor: { staffId: number | null; loginId: string },
  at: string,
  opts: { action: string; expectedVersion?: number; detail?: Record<string, unknown> },
): Promise<{ from: OtpStatus; to: OtpStatus }> {
  const c = await tx.select().from(customers).where(eq(customers.id, customerId)).get()
  if (!c) throw new AppError('CUSTOMER_NOT_FOUND')
  if (opts.expectedVersion !== undefined && c.version !== opts.expectedVersion) throw new AppError('STALE_VERSION')
  const refusal = eventRefusal(e.kind, c)
  if (refusal) throw refusal
  const to = EVENT_TRANSITIONS[e.kind].to
  const changed = changesOf(await tx
    .update(customers)
    .set({
      otpStatus: to,
      statusChangedAt: at,
      updatedAt: at,
      version: c.version + 1,
      ...(e.kind === 'blocked' ? { wrongEntryCount: BLOCK_AFTER_WRONG_CODES } : {}),
      ...(e.kind === 'use_started' ? { wrongEntryCount: 0 } : {}),
    })
    .where(eq(customers.id, c.id))
    .run())
  if (changed !== 1) throw new AppError('STALE_VERSION')
  await tx.insert(otpHistory)
    .values({
      customerId: c.id,
      at,
      kind: 'event',
      fromStatus: c.otpStatus,
      toStatus: to,
      actorId: actor.staffId,
      note: e.note ?? null,
      eventKind: e.kind,
      eventSource: e.source,
      occurredOn: e.occurredOn,
    })
    .run()
  await writeAudit(tx, {
    at,
    actorId: actor.staffId,
    actorLoginId: actor.loginId,
    action: opts.action,
    outcome: 'ok',
    target: `customer:${c.id}`,
    customerId: c.id,
    detail: { kind: e.kind, source: e.source, occurredOn: e.occurredOn, from: c.otpStatus, to, ...opts.detail },
  })
  return { from: c.otpStatus, to }
}

export async function recordEvent(ctx: AppContext, input: OpParsed<'events.record'>, caller: Caller): Promise<CustomerDetail> {
  const user = requireUser(caller)
  const at = ctx.clock().toISOString()
  if (input.occurredOn > japanDate(ctx.clock()))
    throw new AppError('VALIDATION_FAILED', undefined, { occurredOn: '発生日に未来の日付は入力できません' })

  await writeTransaction(ctx.db, (tx) =>
    applyEvent(tx, input.customerId, input, { staffId: user.staffId, loginId: user.loginId }, at, {
      action: 'events.record',
      expectedVersion: input.customerVersion,
    }),
  )
  ctx.events.emitChanged({ kind: 'event_recorded', customerId: input.customerId })
  return getCustomer(ctx, { customerId: input.customerId })
}
