// 「控えの照合」 (administrators): the digest printed on a signed 日次取扱一覧 (its QR code read by a
// keyboard-wedge barcode scanner, or the count and hash typed off the paper) or exported to a file
// is checked against the ledger: does it still hold exactly that prefix? The same check as
// `npm run ledger:verify -- --anchor=...` (db/verify.ts checkAnchor): one entry read by its key,
// so it answers at once at any size. Every check is audited with its result.
import { embeddedLedger } from '../embedded'
import { checkAnchor } from '../../../db/verify'
import type { OpParsed } from '../../../shared/contract'
import { formatDigest, type AnchorResult } from '../../../shared/integrity'
import { writeAudit } from '../audit'
import type { AppContext } from '../context'
import { requireUser, type Caller } from './caller'

export async function checkLedgerAnchor(ctx: AppContext, input: OpParsed<'integrity.checkAnchor'>, caller: Caller): Promise<AnchorResult> {
  const user = requireUser(caller)
  const result = checkAnchor(embeddedLedger(ctx, '控えの照合'), input)
  await writeAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorId: user.staffId,
    actorLoginId: user.loginId,
    action: 'integrity.checkAnchor',
    outcome: 'ok',
    target: `journal:${input.count}`,
    detail: { digest: formatDigest(input), result: result.status, ledgerCount: result.ledgerCount, differsAt: result.differsAt },
  })
  if (!result.ok) ctx.logger.error({ code: 'LEDGER_ANCHOR_FAILED', anchor: formatDigest(input), status: result.status }, 'a kept digest does not match the ledger')
  return result
}
