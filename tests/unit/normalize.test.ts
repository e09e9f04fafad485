import { describe, expect, it } from 'vitest'
import { kanaSearchKey, normalizeDigits, normalizeHyphenated, normalizeKana, isKatakanaName } from '../../shared/normalize'

describe('kana normalisation', () => {
  it.each([
    ['ﾀﾅｶ', 'タナカ'],
    ['タナカ', 'タナカ'],
    ['たなか', 'タナカ'],
    ['ｶﾞｯｺｳ', 'ガッコウ'],
    ['ﾊﾟｰｸ', 'パーク'],
    ['ｻﾄｳ ﾊﾅｺ', 'サトウ\u3000ハナコ'],
    ['  さとう　　はなこ ', 'サトウ\u3000ハナコ'],
    ['ゔぁ', 'ヴァ'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeKana(input)).toBe(expected)
  })

  it('search key drops spaces so every width and spacing finds the same name', () => {
    const keys = ['ﾀﾅｶ ﾊﾅｺ', 'タナカ　ハナコ', 'たなかはなこ', 'タナカハナコ'].map(kanaSearchKey)
    expect(new Set(keys)).toEqual(new Set(['タナカハナコ']))
  })

  it('recognises katakana names and rejects others', () => {
    expect(isKatakanaName('タナカ\u3000ハナコ')).toBe(true)
    expect(isKatakanaName('田中')).toBe(false)
    expect(isKatakanaName('tanaka')).toBe(false)
  })
})

describe('digits and hyphens', () => {
  it('full-width digits and every dash become half-width, without the separators', () => {
    expect(normalizeDigits('１２３４５６７')).toBe('1234567')
    expect(normalizeDigits('123－4567')).toBe('1234567')
    expect(normalizeDigits('123ー4567')).toBe('1234567')
    expect(normalizeDigits('12a')).toBe('12a') // kept, so validation can say what is wrong
  })
  it('phone numbers keep one ASCII hyphen form', () => {
    expect(normalizeHyphenated('０１８‐８６２―１２３４')).toBe('018-862-1234')
    expect(normalizeHyphenated('018ｰ862−1234')).toBe('018-862-1234')
  })
})
