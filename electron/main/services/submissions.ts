// Idempotent reception (issue 12): a reception form makes a key (a UUID) when it opens and sends it
// with every submit. The first submit that receives a request stores the key beside it
// (request_submissions, 0015), with a hash of what was submitted and by whom; a repeat of the key
// (a click repeated after a lost reply, a double click, a retry after a reconnect or a restart)
// answers that first request — same id, same 受付番号 — and writes nothing. The same key with other
// content, or from another staff member, is refused: it is not a repeat.
import { createHash } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { requestSubmissions } from '../../../db/schema'
import { preparedQuery } from '../../../db/prepared'
import { AppError } from '../../../shared/errors'
import type { AppContext } from '../context'
import type { Tx } from '../tx'

export interface Submission {
  key: string
  requestId: number
  payloadHash: string
  staffId: number
}

/** What makes two submits the same reception: the kind, the form as parsed, and who sent it. */
export function submissionHash(kind: string, form: unknown, staffId: number): string {
  return createHash('sha256').update(JSON.stringify({ kind, staffId, form }), 'utf8').digest('hex')
}

export async function submissionByKey(db: AppContext['db'] | Tx, key: string): Promise<Submission | null> {
  return (
    await preparedQuery(db, 'requestSubmissions.byKey', (d) =>
      d
        .select({
          key: requestSubmissions.key,
          requestId: requestSubmissions.requestId,
          payloadHash: requestSubmissions.payloadHash,
          staffId: requestSubmissions.staffId,
        })
        .from(requestSubmissions)
        .where(eq(requestSubmissions.key, sql.placeholder('key')))
        .prepare(),
    ).get({ key }) ?? null
  )
}

/** The request a repeat of this submit answers; refuses the key reused for something else. */
export function repeatedRequest(prior: Submission, hash: string): number {
  if (prior.payloadHash !== hash) throw new AppError('SUBMISSION_KEY_REUSED')
  return prior.requestId
}

/** Stores the key with the request its submit received (in the reception's transaction). */
export async function recordSubmission(tx: Tx, s: Submission & { at: string }): Promise<void> {
  await tx.insert(requestSubmissions).values({ key: s.key, requestId: s.requestId, payloadHash: s.payloadHash, staffId: s.staffId, at: s.at }).run()
}
