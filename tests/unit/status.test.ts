import { describe, expect, it } from 'vitest'
import { allowedRequestKinds, isRequestAllowed, OTP_STATUSES, REQUEST_TRANSITIONS, type OtpStatus, type RequestKind } from '../../shared/status'

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
    expect(allowedRequestKinds('unregistered')).toEqual(['new_application'])
  })
})
