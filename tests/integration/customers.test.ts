import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES, createEngineApp, type EngineApp } from '../helpers/engines'

describe.each(ENGINES)('on the %s ledger', (engine) => {
  let app: EngineApp
  beforeAll(async () => {
    app = await createEngineApp(engine)
    await app.loginAs('teller1')
  })
  afterAll(() => app.close())

  describe('customer search at the counter', () => {
    it('finds the same customers by kana typed in any width, as a prefix of the name', async () => {
      const results = await Promise.all(['ﾀﾅｶ', 'タナカ', 'たなか', 'ﾀﾅｶ ﾊ'].map((kana) => app.ok('customers.search', { kana })))
      const names = results.map((r) => r.map((c) => c.nameKanji))
      expect(names[0]).toEqual(expect.arrayContaining(['田中 花子']))
      expect(names[0]!.every((n) => n.startsWith('田中'))).toBe(true)
      expect(names[1]).toEqual(names[0])
      expect(names[2]).toEqual(names[0])
      expect(names[3]).toEqual(['田中 花子'])
    })

    it('finds a customer by 店番 + 口座番号, in any width', async () => {
      const r = await app.ok('customers.search', { branchCode: '００１', accountNumber: '１０００００１' })
      expect(r.map((c) => c.nameKanji)).toEqual(['田中 花子'])
    })

    it('finds a customer by IB契約者ID', async () => {
      const r = await app.ok('customers.search', { ibContractId: '2000000001' })
      expect(r).toHaveLength(1)
      expect(r[0]).toMatchObject({ nameKanji: '田中 花子', otpStatus: 'unregistered' })
    })

    it('answers an unknown customer with an empty list, and a bad query with a Japanese message', async () => {
      expect(await app.ok('customers.search', { kana: 'ンンン' })).toEqual([])
      const e = await app.err('customers.search', { kana: 'tanaka' })
      expect(e.fields).toEqual({ kana: 'カナ氏名はカナで入力してください' })
    })

    it('a customer screen shows status, history and what may be received next', async () => {
      const [c] = await app.ok('customers.search', { ibContractId: '2000000001' })
      const d = await app.ok('customers.get', { customerId: c!.id })
      expect(d).toMatchObject({ otpStatus: 'unregistered', allowedRequests: ['new_application'], blockedRequests: [] })
      const inUse = (await app.rows("SELECT id FROM customers WHERE otp_status='in_use' LIMIT 1"))[0] as { id: number }
      const u = await app.ok('customers.get', { customerId: inUse.id })
      expect(u.allowedRequests).toEqual(['suspension', 'cancellation'])
      expect(u.allowedEvents).toEqual(['blocked'])
      expect(u.history[0]).toMatchObject({ kind: 'event', toStatus: 'in_use', actorName: 'センター' })
      expect((await app.err('customers.get', { customerId: 999999 })).code).toBe('CUSTOMER_NOT_FOUND')
    })
  })
})
