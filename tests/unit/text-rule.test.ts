// The text rule (issue 16), generated from the schemas: every string field of every operation's
// payload refuses malformed Unicode, control and bidi-override characters and oversized input,
// each with a short Japanese message at that field; nothing of a huge input comes back.
import { describe, expect, it } from 'vitest'
import { contract } from '../../shared/contract'
import { OPERATION_NAMES } from '../../shared/operations'
import { excerpt, fieldErrors } from '../../shared/schemas'
import { payloadWith, stringFields } from '../helpers/schemaWalk'

const HOSTILE: Record<string, string> = {
  'a lone high surrogate': '理由\uD800です',
  'a lone low surrogate': 'ab\uDC00',
  'NUL': '12\u00003',
  'ESC': '12\u001B[31m3',
  'a C1 control': '12\u00853',
  'DEL': '12\u007F3',
  'a right-to-left override': 'abc\u202Edef',
  'a bidi isolate': 'abc\u2067def',
  'ten megabytes': 'あ'.repeat(10 * 1024 * 1024),
}
const JAPANESE = /[\u3040-\u30FF\u4E00-\u9FFF]/

const cases = OPERATION_NAMES.flatMap((op) => stringFields(contract[op].input).map((f) => ({ op, field: f, key: f.path.join('.') })))

describe('text rule, generated from every operation schema', () => {
  it('finds the free-text fields the issue names (the walk is not empty)', () => {
    const keys = new Set(cases.map((c) => `${c.op}:${c.key}`))
    expect(cases.length).toBeGreaterThan(60)
    for (const k of ['requests.receiveSuspension:reasonText', 'requests.return:reason', 'requests.receiveNewApplication:address',
      'events.record:note', 'staff.create:name', 'requests.resubmit:form.verification.blockAccount', 'settings.update:centreMailDomains.0'])
      expect(keys).toContain(k)
  })

  for (const [what, value] of Object.entries(HOSTILE)) {
    it(`every string field refuses ${what} with a short Japanese message at that field`, () => {
      const failures: string[] = []
      for (const { op, field, key } of cases) {
        const r = contract[op].input.safeParse(payloadWith(field, value))
        if (r.success) {
          failures.push(`${op} ${key}: accepted`)
          continue
        }
        const msg = fieldErrors(r.error)[key]
        if (!msg || !JAPANESE.test(msg) || msg.length > 120) failures.push(`${op} ${key}: ${String(msg).slice(0, 60)}`)
      }
      expect(failures).toEqual([])
    })
  }

  it('an unknown 1 MB key is named by a short excerpt only', () => {
    const key = 'k'.repeat(1024 * 1024)
    const r = contract['auth.login'].input.safeParse({ loginId: 'teller1', password: 'x', [key]: 1 })
    expect(r.success).toBe(false)
    const out = JSON.stringify(fieldErrors(r.error!))
    expect(out.length).toBeLessThan(300)
    expect(out).toContain('不明な項目があります')
  })

  it('accepts what is well formed: pairs, kanji variants, emoji, tabs folded', () => {
    const r = contract['requests.return'].input.safeParse({ requestId: 1, version: 1, reason: '𠮷野 髙橋😀\t葛󠄀城' })
    expect(r.success && r.data.reason).toBe('𠮷野 髙橋😀 葛󠄀城')
  })

  it('cuts an excerpt without splitting a surrogate pair', () => {
    expect(excerpt('ab😀cd', 3)).toBe('ab…')
    expect(excerpt('abc', 3)).toBe('abc')
  })
})
