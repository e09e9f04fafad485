// Japanese text normalisation. Paper forms arrive typed in every width: half-width katakana
// (ﾀﾅｶ), hiragana (たなか), full-width digits (１２３) and hyphens of several kinds. The ledger keeps
// one normal form: full-width katakana for kana names, half-width digits, ASCII '-'.

/** Every dash-like character a keyboard or IME produces where a hyphen is meant. */
const DASHES = /[\u2010-\u2015\u2212\uFF0D\uFE63\u30FC\uFF70\u2043]/g

/** Hiragana (ぁ..ゖ, ゝゞ) to katakana: the two blocks are 0x60 apart. */
function hiraganaToKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096\u309D\u309E]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
}

/**
 * A kana name in its stored form: NFKC (half-width kana -> full-width, full-width ASCII ->
 * half-width, voiced marks composed), hiragana -> katakana, every space run -> one full-width
 * space, trimmed.
 */
export function normalizeKana(input: string): string {
  const s = hiraganaToKatakana(input.normalize('NFKC'))
  return s.replace(/[\s\u3000]+/g, '\u3000').trim().replace(/^\u3000+|\u3000+$/g, '')
}

/** Kana for searching: the stored form without spaces, so 'タナカ ハナコ' finds 'タナカ　ハナコ'. */
export function kanaSearchKey(input: string): string {
  return normalizeKana(input).replace(/\u3000/g, '')
}

/** Digits only, any width: '０１２-３４' -> '01234'. Non-digits other than dashes and spaces are kept
 * so that validation can reject them with a message instead of silently dropping them. */
export function normalizeDigits(input: string): string {
  return input.normalize('NFKC').replace(DASHES, '-').replace(/[\s-]/g, '')
}

/** Phone numbers and postal codes keep their hyphens, as ASCII '-'. */
export function normalizeHyphenated(input: string): string {
  return input.normalize('NFKC').replace(DASHES, '-').replace(/\s+/g, '').trim()
}

/** Free text (names in kanji, addresses, 備考, reasons): kept exactly as typed — no width or
 * compatibility folding, so 塚 (U+FA10), 神 (U+FA19), （ー～①） are stored and printed as they are
 * (issue 13: in a bank the exact characters of a name matter). Only what a person cannot have meant
 * is changed: tabs and line breaks (a single-line field cannot hold them) become one space, and the
 * ends are trimmed. Searches fold instead (searchFold). */
export function normalizeText(input: string): string {
  return input.replace(/[\t\r\n]+/g, ' ').trim()
}

/** The search form of a name in kanji (both sides of a search: the stored key and the typed
 * query): NFKC (compatibility ideographs such as 塚 U+FA10 → 塚 U+585A, widths folded), hiragana →
 * katakana, every space removed. Never stored as the name itself. */
export function searchFold(input: string): string {
  return hiraganaToKatakana(input.normalize('NFKC')).replace(/[\s\u3000]+/g, '')
}

/** The given name (名) of a name written 「姓 名」 (a space of any width between them), folded for
 * searching; '' when the name has no space. */
export function givenNameKey(input: string): string {
  const m = /^\S+?[\s\u3000]+(.+)$/u.exec(input.trim())
  return m ? searchFold(m[1]!) : ''
}

/** The given name of a stored kana name (「タナカ　ハナコ」 → 「ハナコ」), '' without a space. */
export function givenKanaKey(nameKana: string): string {
  const i = nameKana.indexOf('\u3000')
  return i < 0 ? '' : nameKana.slice(i + 1).replace(/\u3000/g, '')
}

const KATAKANA_NAME = /^[\u30A1-\u30FA\u30FC\u3000]+$/
export function isKatakanaName(s: string): boolean {
  return KATAKANA_NAME.test(s)
}
