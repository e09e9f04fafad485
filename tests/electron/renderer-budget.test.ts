// What a teller's window loads before the login screen shows: the built renderer's entry script and
// every chunk it imports statically (not the screens the router loads when they are opened). Issue
// 11 set the budget: under 250 KB gzip. The screens a teller does not open first (the supervisor's,
// the journal, staff administration, pdf.js) must stay out of it: one of them imported statically
// puts it over at once (pdf.js alone is several hundred KB).
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { beforeAll, describe, expect, test } from 'vitest'
import { buildIsFresh } from '../../scripts/lib.mjs'
import { root } from './stand-in'

const BUDGET_GZIP = 250 * 1024
const dir = path.join(root, 'out/renderer')

/** The entry script named by index.html and the chunks it imports statically, transitively. */
function initialScripts(): string[] {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8')
  const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="\.\/([^"]+)"/g)].map((m) => m[1]!)
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const code = fs.readFileSync(path.join(dir, file), 'utf8')
    // Static imports only (`import{a}from"./x.js"`, `import"./x.js"`); `import("./x.js")` is a route.
    for (const m of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["'](\.\/[^"']+\.js)["']/g)) visit(path.posix.join(path.posix.dirname(file), m[1]!))
  }
  for (const e of entries) visit(e)
  return [...seen]
}

const gzipped = (file: string) => zlib.gzipSync(fs.readFileSync(path.join(dir, file)), { level: 9 }).length

describe('the renderer loads little before the login screen', () => {
  beforeAll(() => {
    if (!buildIsFresh()) throw new Error('out/ is missing or older than the sources: run `npm run build` first (npm test builds before it tests)')
  })

  test(`the entry and its static imports are under ${BUDGET_GZIP / 1024} KB gzip`, () => {
    const files = initialScripts()
    expect(files.length).toBeGreaterThan(0)
    const total = files.reduce((n, f) => n + gzipped(f), 0)
    expect(total, `initial JS ${(total / 1024).toFixed(1)} KB gzip: ${files.join(', ')}`).toBeLessThan(BUDGET_GZIP)
  })

  test('the screens a teller does not open first, and pdf.js, are chunks of their own', () => {
    const initial = initialScripts().join('\n')
    const chunks = fs.readdirSync(path.join(dir, 'assets')).filter((f) => f.endsWith('.js'))
    for (const lazy of ['ReviewQueueView', 'DailyJournalView', 'StaffAdminView', 'pdf']) {
      expect(chunks.some((c) => c.startsWith(lazy)), `${lazy} chunk`).toBe(true)
      expect(initial).not.toMatch(new RegExp(`assets/${lazy}`))
    }
  })
})
