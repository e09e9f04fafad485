// 和暦 entry helpers for date fields typed from paper (era + year/month/day).
import { ERAS, fromWareki, type EraName } from '../../../shared/datetime'
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

/** The parts -> 'YYYY-MM-DD', or '' when incomplete or not a real date of that era. */
export function warekiToYmd(p: WarekiParts): string {
  if (!p.era) return ''
  const y = num(p.year)
  const m = num(p.month)
  const d = num(p.day)
  if (y === null || m === null || d === null) return ''
  return fromWareki(p.era, y, m, d) ?? ''
}
