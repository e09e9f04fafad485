// 和暦 entry helpers for date fields typed from paper (era + year/month/day).
import { ERAS, addDays, fromWareki, toSeirekiJa, type EraName } from '../../../shared/datetime'
import { normalizeDigits } from '../../../shared/normalize'

export interface WarekiParts {
  era: EraName | null
  year: string
  month: string
  day: string
}

/** Eras offered in the select, newest first (大正 kept for the oldest customers). */
export const ERA_OPTIONS: EraName[] = ERAS.map((e) => e.name)

export function emptyWareki(): WarekiParts {
  return { era: null, year: '', month: '', day: '' }
}

/** 'YYYY-MM-DD' -> the parts a paper shows, e.g. 1975-03-04 -> 昭和 50 3 4. */
export function toWarekiParts(ymd: string): WarekiParts {
  const era = ERAS.find((e) => e.start <= ymd)
  if (!era) return emptyWareki()
  const [y, m, d] = ymd.split('-').map(Number)
  return {
    era: era.name,
    year: String(y! - Number(era.start.slice(0, 4)) + 1),
    month: String(m),
    day: String(d),
  }
}

function num(s: string): number | null {
  const t = normalizeDigits(s).replace(/^元$/, '1')
  return /^\d{1,4}$/.test(t) ? Number(t) : null
}

/** A year of 4 digits in the 年 box is a 西暦 year (1965 with 昭和 is 昭和40年): understood when it
 * falls in the chosen era, never cut to its first digits (issue 13). */
function eraYear(era: EraName, year: number): number {
  if (year < 1000) return year
  const start = ERAS.find((e) => e.name === era)!.start
  return year - Number(start.slice(0, 4)) + 1
}

/** The parts -> 'YYYY-MM-DD', or '' when incomplete or not a real date of that era. */
export function warekiToYmd(p: WarekiParts): string {
  if (!p.era) return ''
  const y = num(p.year)
  const m = num(p.month)
  const d = num(p.day)
  if (y === null || m === null || d === null) return ''
  return fromWareki(p.era, eraYear(p.era, y), m, d) ?? ''
}

/** Why the parts are no date, in the words of the boxes (or null when they are one, or still
 * empty). The field's label comes first: 「生年月日：…」. */
export function warekiProblem(p: WarekiParts, label: string): string | null {
  if (!p.year.trim() && !p.month.trim() && !p.day.trim()) return null
  if (!p.era) return `${label}の元号を選択してください`
  const y = num(p.year)
  const m = num(p.month)
  const d = num(p.day)
  if (y === null || y === 0) return `${label}の年は数字で入力してください（和暦の年、または西暦4桁）`
  if (m === null || m < 1 || m > 12) return `${label}の月は1〜12で入力してください`
  if (d === null || d < 1 || d > 31) return `${label}の日は1〜31で入力してください`
  if (warekiToYmd(p)) return null
  const era = ERAS.find((e) => e.name === p.era)!
  const idx = ERAS.indexOf(era)
  const last = idx > 0 ? addDays(ERAS[idx - 1]!.start, -1) : null
  const range = `${toSeirekiJa(era.start)}〜${last ? toSeirekiJa(last) : ''}`
  if (y >= 1000) return `西暦${y}年${m}月${d}日は${p.era}の期間（${range}）ではありません。元号を確かめてください`
  return `${label}：${p.era}${y}年${m}月${d}日という日付はありません（${p.era}は${range}）`
}
