// 検印待ち一覧 and 差戻し一覧 one screen at a time: however many wait, a call reads at most `limit`
// rows after the last one shown (a keyset over 受付日時 then id, not an offset), says how many the
// list holds, and paging from the first screen to the last returns every request exactly once, in
// the queue's order, even while a supervisor works through it.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RequestCursor, RequestPage, RequestSummary } from '../../shared/types'
import { REQUEST_PAGE_DEFAULT, REQUEST_PAGE_MAX } from '../../shared/schemas'
import { createTestApp, snapshotLedger, type TestApp } from '../helpers/app'
import { addCustomers } from '../helpers/ledgerFiles'
import { customerRow, suspensionForm } from '../helpers/forms'

const WAITING = 123 // more than the default screen (50), not a multiple of the limits used below
const RETURNED_MINE = 17
const RETURNED_OTHER = 4
const BASE = Date.parse('2026-11-21T01:00:00Z')

let app: TestApp
/** Every request received, with the time the clock said. */
const received: { id: number; receivedAt: string }[] = []

beforeAll(async () => {
  app = await createTestApp()
  const firstNew = (app.ctx.sqlite.prepare('SELECT max(id) AS n FROM customers').get() as { n: number }).n + 1
  addCustomers(app.ctx.sqlite, WAITING + RETURNED_MINE + RETURNED_OTHER)
  await app.loginAs('teller1', 'teller')
  await app.loginAs('teller2', 'other')
  await app.loginAs('super1', 'super')
  // Receptions out of time order and several to a minute: the queue's order (受付日時, then id) is
  // neither the order of the ids nor free of ties. (Within the sessions' 30 idle minutes.)
  for (let i = 0; i < WAITING + RETURNED_MINE + RETURNED_OTHER; i++) {
    app.clock.now = new Date(BASE + ((i * 7) % 23) * 60_000)
    const who = i < WAITING + RETURNED_MINE ? 'teller' : 'other'
    const r = await app.ok('requests.receiveSuspension', suspensionForm(customerRow(app.ctx, firstNew + i)), who)
    received.push({ id: r.id, receivedAt: r.receivedAt })
  }
  app.clock.now = new Date(BASE + 25 * 60_000)
  // The last ones are returned: 17 to teller1, 4 to teller2.
  for (const { id } of received.slice(WAITING)) {
    const r = await app.ok('requests.get', { requestId: id }, 'super')
    await app.ok('requests.return', { requestId: id, version: r.version, reason: '記載漏れ' }, 'super')
  }
}, 120_000)

afterAll(() => {
  const dir = app?.dir
  app?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

const inQueueOrder = (rows: { id: number; receivedAt: string }[]) =>
  [...rows].sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.id - b.id)).map((r) => r.id)

/** Every screen of a list, following nextCursor from the first. */
async function allPages(op: 'requests.pendingReview' | 'requests.returnedToMe', key: string, limit?: number): Promise<RequestPage[]> {
  const pages: RequestPage[] = []
  let after: RequestCursor | undefined
  for (let n = 0; n < 1000; n++) {
    const page = await app.ok(op, { ...(limit ? { limit } : {}), ...(after ? { after } : {}) }, key)
    pages.push(page)
    if (!page.nextCursor) return pages
    after = page.nextCursor
  }
  throw new Error('paging did not end')
}

const ids = (pages: RequestPage[]) => pages.flatMap((p) => p.items.map((r: RequestSummary) => r.id))

describe('検印待ち一覧 (requests.pendingReview), one screen at a time', () => {
  it('the first screen holds the default number of rows, the oldest first, and the total of the whole queue', async () => {
    const page = await app.ok('requests.pendingReview', {}, 'super')
    const expected = inQueueOrder(received.slice(0, WAITING))
    expect(page.total).toBe(WAITING)
    expect(page.items.map((r) => r.id)).toEqual(expected.slice(0, REQUEST_PAGE_DEFAULT))
    expect(page.items.every((r) => r.state === 'pending_review')).toBe(true)
    const last = page.items.at(-1)!
    expect(page.nextCursor).toEqual({ receivedAt: last.receivedAt, id: last.id })
  })

  it.each([7, REQUEST_PAGE_DEFAULT, 41, REQUEST_PAGE_MAX])('paging with limit %i returns every waiting request exactly once, in order', async (limit) => {
    const pages = await allPages('requests.pendingReview', 'super', limit)
    expect(ids(pages)).toEqual(inQueueOrder(received.slice(0, WAITING)))
    expect(pages).toHaveLength(Math.ceil(WAITING / limit))
    for (const p of pages) expect(p.total).toBe(WAITING)
    for (const p of pages.slice(0, -1)) expect(p.items).toHaveLength(limit)
    expect(pages.at(-1)!.nextCursor).toBeNull()
  })

  it('a screen that ends exactly at the last request says there is no next one', async () => {
    const [first] = await allPages('requests.pendingReview', 'super', WAITING)
    expect(first!.items).toHaveLength(WAITING)
    expect(first!.nextCursor).toBeNull()
  })

  it('refuses a limit outside 1..200 or a malformed position, in Japanese, changing nothing', async () => {
    const before = snapshotLedger(app.ctx)
    for (const limit of [0, REQUEST_PAGE_MAX + 1, 2.5, '50']) {
      const e = await app.err('requests.pendingReview', { limit }, 'super')
      expect(e.code).toBe('VALIDATION_FAILED')
      expect(e.fields).toEqual({ limit: '表示件数は1〜200件で指定してください' })
    }
    for (const after of [{ receivedAt: "' OR 1=1 --", id: 1 }, { receivedAt: '2026-11-21T01:00:00.000Z', id: 0 }, { receivedAt: '2026-11-21T01:00:00.000Z', id: 1, offset: 5 }]) {
      const e = await app.err('requests.pendingReview', { after }, 'super')
      expect(e.code).toBe('VALIDATION_FAILED')
    }
    expect(snapshotLedger(app.ctx)).toBe(before)
  })

  it('a request approved from the first screen does not shift the next one (no row skipped or shown twice)', async () => {
    const first = await app.ok('requests.pendingReview', { limit: 10 }, 'super')
    const gone = first.items[3]!
    await app.ok('requests.approve', { requestId: gone.id, version: gone.version }, 'super')
    const second = await app.ok('requests.pendingReview', { limit: 10, after: first.nextCursor! }, 'super')
    const expected = inQueueOrder(received.slice(0, WAITING))
    expect(second.items.map((r) => r.id)).toEqual(expected.slice(10, 20))
    expect(second.total).toBe(WAITING - 1)
    const rest = await allPages('requests.pendingReview', 'super', 30)
    expect(ids(rest)).toEqual(expected.filter((id) => id !== gone.id))
  })
})

describe('差戻し一覧 (requests.returnedToMe), one screen at a time', () => {
  it('pages the branch’s returned requests (whoever received them), each once, oldest first, with their total', async () => {
    const all = RETURNED_MINE + RETURNED_OTHER
    const pages = await allPages('requests.returnedToMe', 'teller', 5)
    expect(ids(pages)).toEqual(inQueueOrder(received.slice(WAITING)))
    expect(pages).toHaveLength(Math.ceil(all / 5))
    for (const p of pages) expect(p.total).toBe(all)
    for (const p of pages) for (const r of p.items) expect(r).toMatchObject({ state: 'returned', returnReason: '記載漏れ' })

    // The other teller of the branch sees the same list (any of them may take one over).
    const other = await app.ok('requests.returnedToMe', {}, 'other')
    expect(other.total).toBe(all)
    expect(other.items.map((r) => r.id)).toEqual(inQueueOrder(received.slice(WAITING)))
    expect(other.nextCursor).toBeNull()
  })
})
