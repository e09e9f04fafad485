import { describe, expect, it } from 'vitest'
import { compareReceiptNo, formatReceiptNo, maskAccountNumber, parseReceiptNo } from '../../shared/receipt'

describe('受付番号', () => {
  it('is branch, Japan date and a daily sequence of at least 4 digits', () => {
    expect(formatReceiptNo('001', '2026-11-21', 7)).toBe('001-20261121-0007')
    expect(parseReceiptNo('001-20261121-0007')).toEqual({ branchCode: '001', businessDate: '2026-11-21', seq: 7 })
    expect(parseReceiptNo('００１-20261121-0007')?.seq).toBe(7)
    expect(parseReceiptNo('1-20261121-7')).toBeNull()
  })
  it('goes on past 9,999 with five and six digits, and four-digit numbers stay valid', () => {
    expect(formatReceiptNo('001', '2026-11-21', 9999)).toBe('001-20261121-9999')
    expect(formatReceiptNo('001', '2026-11-21', 10000)).toBe('001-20261121-10000')
    expect(formatReceiptNo('001', '2026-11-21', 999999)).toBe('001-20261121-999999')
    expect(parseReceiptNo('001-20261121-10000')?.seq).toBe(10000)
    expect(parseReceiptNo('001-20261121-00100')).toBeNull()
  })
  it('sorts 9,999 before 10,000 (as given out, not as text)', () => {
    const nos = ['001-20261121-10000', '001-20261122-0001', '001-20261121-9999', '001-20261121-0002']
    expect([...nos].sort(compareReceiptNo)).toEqual(['001-20261121-0002', '001-20261121-9999', '001-20261121-10000', '001-20261122-0001'])
  })
  it('refuses out-of-range parts instead of printing a wrong number', () => {
    expect(() => formatReceiptNo('01', '2026-11-21', 1)).toThrow()
    expect(() => formatReceiptNo('001', '2026-11-21', 0)).toThrow()
    expect(() => formatReceiptNo('001', '2026-11-21', 1_000_000)).toThrow()
  })
  it('masks all but the last four digits of an account', () => {
    expect(maskAccountNumber('1234567')).toBe('***4567')
  })
})
