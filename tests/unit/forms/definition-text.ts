// Reading a pdfmake document definition back as text, for the forms' content tests: what the page
// prints (body and footer), every string anywhere in it, and the fonts it names.

import type { Content, DynamicContent, TDocumentDefinitions } from 'pdfmake/interfaces'
import { expect, vi } from 'vitest'

/** The text a node prints: inline runs joined as they print, blocks separated by newlines. */
export function plainText(node: unknown): string {
  if (typeof node === 'string') return node
  if (typeof node === 'number') return String(node)
  if (Array.isArray(node)) return node.map(plainText).join('\n')
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>
    if ('text' in o) return Array.isArray(o.text) ? o.text.map(plainText).join('') : plainText(o.text)
    for (const key of ['stack', 'columns', 'ol', 'ul']) if (key in o) return plainText(o[key])
    if ('table' in o) return plainText((o.table as { body: unknown }).body)
    if ('qr' in o) return `[QR:${String(o.qr)}]`
  }
  return ''
}

const A4_PAGE = { width: 595.28, height: 841.89, orientation: 'portrait' as const }

/** The footer of page `page` of `pages`: static content, or the function of the page called. */
export function footerText(def: TDocumentDefinitions, page = 1, pages = 1): string {
  const f = def.footer
  if (typeof f === 'function') return plainText((f as DynamicContent)(page, pages, A4_PAGE))
  return plainText(f as Content)
}

/** Everything the page prints, body and footer. */
export function printed(def: TDocumentDefinitions): string {
  return `${plainText(def.content)}\n${footerText(def)}`
}

/** Every string anywhere in the definition (text, QR, metadata, footer of a 2-page print), for
 * checks that something appears nowhere. */
export function allStrings(def: TDocumentDefinitions): string {
  return `${JSON.stringify(def)}\n${footerText(def, 1, 2)}\n${footerText(def, 2, 2)}`
}

/** Every `font` named anywhere in the definition (styles, default style, nodes). */
export function fontsUsed(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => fontsUsed(n, out))
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'font' && typeof v === 'string') out.add(v)
      else fontsUsed(v, out)
    }
  }
  return out
}

/** Builds the definition at two far-apart system times (fake clock) and checks it is the same and
 * names neither time: the form reads no clock. */
export function expectNoClock(build: () => TDocumentDefinitions): void {
  vi.useFakeTimers()
  try {
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'))
    const a = allStrings(build())
    vi.setSystemTime(new Date('1999-06-15T12:00:00Z'))
    expect(allStrings(build())).toBe(a)
    expect(a).not.toContain('2030')
    expect(a).not.toContain('1999')
  } finally {
    vi.useRealTimers()
  }
}
