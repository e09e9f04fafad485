// 本日の自分の受付: a teller's own requests of the day (newest first) and, on top, those of theirs an
// urgent 利用停止 closed today (失効), with the reason: that is how the teller is told. Both lists are
// bounded and served by the receiver's indexes (0008).
import { and, desc, eq, gte, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { preparedQuery } from '../../../db/prepared'
import { customers, otpRequests, staff } from '../../../db/schema'
import { japanDate } from '../../../shared/datetime'
import type { MyRequestItem } from '../../../shared/types'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'
import { requestSummaryColumns, summaryJoins } from './customers'

/** A busy teller takes dozens a day; the screen shows at most this many (newest first). */
export const MY_DAY_LIMIT = 200
const CLOSED_LIMIT = 50

const closer = alias(staff, 'closer')
const successor = alias(otpRequests, 'successor')

function myQuery(db: AppContext['db'], which: 'received' | 'superseded') {
  const { receiver, reviewer, taker } = summaryJoins
  const p = (name: string) => sql.placeholder(name)
  return db
    .select({
      ...requestSummaryColumns(),
      businessDate: otpRequests.businessDate,
      supersededByReceiptNo: successor.receiptNo,
      closedAt: otpRequests.closedAt,
      closedByName: closer.name,
    })
    .from(otpRequests)
    .innerJoin(customers, eq(customers.id, otpRequests.customerId))
    .innerJoin(receiver, eq(receiver.id, otpRequests.receivedBy))
    .leftJoin(reviewer, eq(reviewer.id, otpRequests.reviewedBy))
    .leftJoin(taker, eq(taker.id, otpRequests.takenOverBy))
    .leftJoin(closer, eq(closer.id, otpRequests.closedBy))
    .leftJoin(successor, eq(successor.id, otpRequests.supersededBy))
    .where(
      which === 'received'
        ? and(eq(otpRequests.receivedBy, p('staffId')), eq(otpRequests.businessDate, p('today')))
        : and(eq(otpRequests.receivedBy, p('staffId')), eq(otpRequests.state, 'superseded'), gte(otpRequests.closedAt, p('since'))),
    )
    .orderBy(which === 'received' ? desc(otpRequests.receivedAt) : desc(otpRequests.closedAt), desc(otpRequests.id))
    .limit(which === 'received' ? MY_DAY_LIMIT : CLOSED_LIMIT)
    .prepare()
}

export async function myDay(ctx: AppContext, caller: Caller): Promise<MyRequestItem[]> {
  const user = requireUser(caller)
  const today = japanDate(ctx.clock())
  const since = new Date(`${today}T00:00:00+09:00`).toISOString()
  const received = await preparedQuery(ctx.db, 'myDay.received', (db) => myQuery(db, 'received')).all({ staffId: user.staffId, today })
  const closed = await preparedQuery(ctx.db, 'myDay.superseded', (db) => myQuery(db, 'superseded')).all({ staffId: user.staffId, since })
  const shown = new Set(received.map((r) => r.id))
  // Closed today but received on an earlier day: listed first, so the teller sees it.
  return [...closed.filter((r) => !shown.has(r.id)), ...received]
}
