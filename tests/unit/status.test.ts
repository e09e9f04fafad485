import { describe, expect, it } from 'vitest'
import { isRequestAllowed, requestBlock, OTP_STATUSES, REQUEST_TRANSITIONS, type OtpStatus, type RequestKind } from '../../shared/status'

// DOMAIN.md's request table, written out by hand (not read from the code's table).
const EXPECTED: Record<RequestKind, { from: OtpStatus[]; to: OtpStatus }> = {
  new_application: { from: ['unregistered', 'cancelled'], to: 'awaiting_issue' },
  suspension: { from: ['awaiting_issue', 'token_issued', 'in_use', 'blocked'], to: 'suspended' },
  resumption: { from: ['suspended'], to: 'awaiting_issue' },
  cancellation: { from: ['awaiting_issue', 'token_issued', 'in_use', 'blocked', 'suspended', 'issuance_restricted'], to: 'cancelled' },
  unlock: { from: ['blocked'], to: 'in_use' },
  restriction_release: { from: ['issuance_restricted'], to: 'awaiting_issue' },
}

describe('status table', () => {
  for (const [kind, exp] of Object.entries(EXPECTED) as [RequestKind, (typeof EXPECTED)[RequestKind]][]) {
    it(`${kind}: allowed exactly from ${exp.from.join(', ')} and leads to ${exp.to}`, () => {
      for (const s of OTP_STATUSES) expect(isRequestAllowed(kind, s), `${kind} from ${s}`).toBe(exp.from.includes(s))
      expect(REQUEST_TRANSITIONS[kind].to).toBe(exp.to)
    })
  }
  it('offers nothing but a new application to an unregistered customer', () => {
    expect(Object.keys(EXPECTED).filter((k) => !requestBlock(k as RequestKind, 'unregistered', null, '2026-11-21'))).toEqual(['new_application'])
  })

  it('names the status and the request when it refuses', () => {
    expect(requestBlock('cancellation', 'unregistered', null, '2026-11-21')).toEqual({
      code: 'REQUEST_NOT_ALLOWED',
      message: '登録状況が「未登録」のため、「ご利用解除」は受け付けられません。',
    })
  })

  it('holds a new application back on the day of a ご利用解除, and says from when', () => {
    expect(requestBlock('new_application', 'cancelled', '2026-11-21', '2026-11-21')).toEqual({
      code: 'NEXT_DAY_RULE',
      message: 'ご利用解除日（令和8年11月21日）の当日のため、新規申込は受け付けられません。令和8年11月22日以降に受け付けできます。',
    })
    expect(requestBlock('new_application', 'cancelled', '2026-11-21', '2026-11-22')).toBeNull()
    expect(requestBlock('new_application', 'cancelled', null, '2026-11-21')).toBeNull()
  })
})
