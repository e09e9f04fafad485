// The browser e2e specs run one after another on ONE demo ledger, so a demo customer that two spec
// files change makes the later one depend on the order and on what the earlier one left (a merge of
// two branches once gave both specs customer 35: the second found ご利用解除 no longer offered and
// timed out). Each demo customer belongs to one spec file; a deliberate exception is listed here with
// what the second file does with it.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../..')
const DIRS = ['tests/e2e-browser', 'tests/e2e-shared']

/** index → the files that may use it, and why sharing is safe. */
const SHARED: Record<number, { files: string[]; why: string }> = {
  34: {
    files: ['tests/e2e-browser/branch-work.spec.ts', 'tests/e2e-browser/input-fidelity.spec.ts'],
    why: 'input-fidelity only borrows its IB契約者ID as a wrong one and opens a form without submitting it',
  },
}

function usesByIndex(): Map<number, Set<string>> {
  const uses = new Map<number, Set<string>>()
  for (const dir of DIRS) {
    for (const name of fs.readdirSync(path.join(ROOT, dir))) {
      if (!name.endsWith('.ts')) continue
      const file = `${dir}/${name}`
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8')
      for (const m of text.matchAll(/demoCustomer\((\d+)\)/g)) {
        const i = Number(m[1])
        if (!uses.has(i)) uses.set(i, new Set())
        uses.get(i)!.add(file)
      }
    }
  }
  return uses
}

describe('demo customers in the browser e2e specs', () => {
  it('finds the specs’ customers (the scan itself works)', () => {
    const uses = usesByIndex()
    expect(uses.size).toBeGreaterThan(10)
    expect([...uses.get(36) ?? []]).toEqual(['tests/e2e-browser/input-fidelity.spec.ts'])
  })

  it('each customer is used by one spec file, or shared on purpose', () => {
    const clashes: string[] = []
    for (const [i, files] of usesByIndex()) {
      if (files.size < 2) continue
      const allowed = SHARED[i]?.files ?? []
      if ([...files].some((f) => !allowed.includes(f))) clashes.push(`demoCustomer(${i}): ${[...files].sort().join(', ')}`)
    }
    expect(clashes, 'give one of these specs a customer no other spec uses').toEqual([])
  })
})
