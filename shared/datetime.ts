// Dates as the branch sees them: Japan time (Asia/Tokyo, no daylight saving), 和暦 where a paper
// form would use it. Instants are stored as ISO-8601 UTC strings; business dates as 'YYYY-MM-DD'
// in Japan time. Intl (ICU) does the calendar work on both sides, so no date library is needed.

export const JAPAN_TZ = 'Asia/Tokyo'

const ymdFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: JAPAN_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The business date in Japan for an instant: '2026-11-21'. Independent of the machine's zone. */
export function japanDate(at: Date): string {
  return ymdFormatter.format(at)
}

/** 'YYYY-MM-DD' + n days, in calendar terms. */
export function addDays(ymd: string, n: number): string {
  const [y, m, d] = ymd.split('-').map(Number)
  const t = new Date(Date.UTC(y!, m! - 1, d! + n))
  return t.toISOString().slice(0, 10)
}

export function isValidYmd(ymd: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd)) return false
  const [y, m, d] = ymd.split('-').map(Number)
  const t = new Date(Date.UTC(y!, m! - 1, d!))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m! - 1 && t.getUTCDate() === d
}

const warekiFormatter = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  timeZone: 'UTC',
  era: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
})

/** A calendar date in 和暦: '2026-11-21' -> '令和8年11月21日' ('元年' for the first year). */
export function toWareki(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number)
  const s = warekiFormatter.format(new Date(Date.UTC(y!, m! - 1, d!)))
  return s.replace(/(\D)1年/, '$1元年')
}

/** '2026-11-21' -> '2026年11月21日'. */
export function toSeirekiJa(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number)
  return `${y}年${m}月${d}日`
}

/** 和暦（西暦）, as bank forms print a date: '2026-11-21' -> '令和8年11月21日（2026年11月21日）'. */
export function toWarekiWithSeireki(ymd: string): string {
  return `${toWareki(ymd)}（${toSeirekiJa(ymd)}）`
}

const dateTimeFormatter = new Intl.DateTimeFormat('ja-JP', {
  timeZone: JAPAN_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})

/** An instant shown in Japan time: '2026/11/21 20:15:03'. */
export function formatJapanDateTime(iso: string): string {
  return dateTimeFormatter.format(new Date(iso))
}

export const ERAS = [
  { name: '令和', start: '2019-05-01' },
  { name: '平成', start: '1989-01-08' },
  { name: '昭和', start: '1926-12-25' },
  { name: '大正', start: '1912-07-30' },
] as const
export type EraName = (typeof ERAS)[number]['name']

/** 和暦 (era, year, month, day) as typed from a paper form -> 'YYYY-MM-DD', or null if the date
 * does not exist or is outside the era. */
export function fromWareki(era: EraName, year: number, month: number, day: number): string | null {
  const idx = ERAS.findIndex((e) => e.name === era)
  if (idx < 0 || year < 1) return null
  const start = ERAS[idx]!.start
  const gYear = Number(start.slice(0, 4)) + year - 1
  const ymd = `${String(gYear).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  if (!isValidYmd(ymd) || ymd < start) return null
  const next = idx > 0 ? ERAS[idx - 1]!.start : null
  if (next && ymd >= next) return null
  return ymd
}
