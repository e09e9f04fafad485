import { describe, expect, it } from 'vitest'
import { formatReceiptNo, maskAccountNumber, parseReceiptNo } from '../../shared/receipt'

describe('受付番号', () => {
  it('is branch, Japan date and a 4-digit daily sequence', () => {
    expect(formatReceiptNo('001', '2026-11-21', 7)).toBe('001-20261121-0007')
    expect(parseReceiptNo('001-20261121-0007')).toEqual({ branchCode: '001', businessDate: '2026-11-21', seq: 7 })
    expect(parseReceiptNo('００１-20261121-0007')?.seq).toBe(7)
    expect(parseReceiptNo('1-20261121-7')).toBeNull()
  })
  it('refuses out-of-range parts instead of printing a wrong number', () => {
    expect(() => formatReceiptNo('01', '2026-11-21', 1)).toThrow()
    expect(() => formatReceiptNo('001', '2026-11-21', 0)).toThrow()
    expect(() => formatReceiptNo('001', '2026-11-21', 10000)).toThrow()
  })
  it('masks all but the last four digits of an account', () => {
    expect(maskAccountNumber('1234567')).toBe('***4567')
  })
})
