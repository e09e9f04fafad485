// The 和暦 boxes of the request forms (issue 13): a 西暦 year typed in the 年 box is understood in
// the chosen era or refused with a message, never cut to its first two digits (1965 → 昭和19年).
import { describe, expect, it } from 'vitest'
import { warekiProblem, warekiToYmd } from '../../renderer/src/lib/wareki'

const parts = (era: '昭和' | '平成' | '令和' | '大正' | null, year: string, month = '5', day = '3') => ({ era, year, month, day })

describe('和暦 boxes', () => {
  it('a 西暦 year in the era is that year, not the era year of its first digits', () => {
    expect(warekiToYmd(parts('昭和', '1965'))).toBe('1965-05-03')
    expect(warekiToYmd(parts('昭和', '１９６５'))).toBe('1965-05-03') // full-width digits
    expect(warekiToYmd(parts('昭和', '19'))).toBe('1944-05-03') // 昭和19年 only when 19 is typed
    expect(warekiToYmd(parts('平成', '元', '1', '8'))).toBe('1989-01-08')
    expect(warekiProblem(parts('昭和', '1965'), '生年月日')).toBeNull()
  })

  it('a 西暦 year outside the chosen era is refused, naming the era', () => {
    expect(warekiToYmd(parts('平成', '1965'))).toBe('')
    expect(warekiProblem(parts('平成', '1965'), '生年月日')).toBe(
      '西暦1965年5月3日は平成の期間（1989年1月8日〜2019年4月30日）ではありません。元号を確かめてください',
    )
    expect(warekiProblem(parts('昭和', '70'), '生年月日')).toMatch(/^生年月日：昭和70年5月3日という日付はありません/)
  })

  it('says which box is wrong, and nothing while the boxes are empty', () => {
    expect(warekiProblem(parts(null, '', '', ''), '生年月日')).toBeNull()
    expect(warekiProblem(parts(null, '40'), '生年月日')).toBe('生年月日の元号を選択してください')
    expect(warekiProblem(parts('昭和', '40', '13'), '生年月日')).toBe('生年月日の月は1〜12で入力してください')
    expect(warekiProblem(parts('昭和', 'x'), '生年月日')).toMatch(/年は数字で入力してください/)
  })
})
