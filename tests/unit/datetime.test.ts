import { describe, expect, it } from 'vitest'
import { addDays, fromWareki, isValidYmd, japanDate, toWareki } from '../../shared/datetime'

describe('Japan business date', () => {
  it('is the date in Tokyo, whatever the machine zone', () => {
    // 14:59:59Z is 23:59:59 JST; 15:00Z is midnight JST.
    expect(japanDate(new Date('2026-11-21T14:59:59Z'))).toBe('2026-11-21')
    expect(japanDate(new Date('2026-11-21T15:00:00Z'))).toBe('2026-11-22')
  })
  it('adds days over month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })
  it('validates calendar dates', () => {
    expect(isValidYmd('2026-02-29')).toBe(false)
    expect(isValidYmd('2028-02-29')).toBe(true)
    expect(isValidYmd('2026-13-01')).toBe(false)
  })
})

describe('和暦', () => {
  it.each([
    ['2026-11-21', '令和8年11月21日'],
    ['2019-05-01', '令和元年5月1日'],
    ['2019-04-30', '平成31年4月30日'],
    ['1989-01-08', '平成元年1月8日'],
    ['1989-01-07', '昭和64年1月7日'],
  ])('%s -> %s', (ymd, wareki) => {
    expect(toWareki(ymd)).toBe(wareki)
  })
  it('converts a paper form date to 西暦 and refuses dates outside the era', () => {
    expect(fromWareki('昭和', 50, 4, 1)).toBe('1975-04-01')
    expect(fromWareki('平成', 31, 4, 30)).toBe('2019-04-30')
    expect(fromWareki('平成', 31, 5, 1)).toBeNull() // already 令和
    expect(fromWareki('令和', 1, 4, 30)).toBeNull() // still 平成
    expect(fromWareki('昭和', 60, 2, 30)).toBeNull()
  })
})
