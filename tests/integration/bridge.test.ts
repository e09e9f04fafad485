// The browser-preview bridge: loopback only, the per-run token required, Host/Origin checked,
// the same dispatcher behind it, ledger events streamed to the page.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBridge, type Bridge } from '../../electron/bridge/server'
import { createTestApp, tempDir, type TestApp } from '../helpers/app'
import { DEMO_PASSWORD } from '../../db/seed'

let app: TestApp
let bridge: Bridge
const CLIENT = 'tab-0000-1111'

beforeAll(async () => {
  app = await createTestApp()
  const rendererDir = tempDir('otp-renderer-')
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<html><head><title>t</title></head><body></body></html>')
  fs.writeFileSync(path.join(rendererDir, 'app.js'), 'console.log(1)')
  bridge = await startBridge(app.ctx, { rendererDir })
})
afterAll(async () => {
  await bridge.close()
  app.close()
})

function call(op: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(new URL(`/api/op/${op}`, bridge.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-OTP-Token': bridge.token, 'X-OTP-Client': CLIENT, ...headers },
    body: JSON.stringify(body),
  })
}

/** A raw request with a forged Host header (fetch will not send one). */
function rawGet(pathname: string, host: string): Promise<number> {
  const u = new URL(bridge.url)
  return new Promise((resolve, reject) => {
    http.get({ host: u.hostname, port: u.port, path: pathname, headers: { Host: host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    }).on('error', reject)
  })
}

describe('HTTP bridge', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(bridge.url).hostname).toBe('127.0.0.1')
  })

  it('serves the page with the per-run token in it, and static files', async () => {
    const html = await (await fetch(bridge.url)).text()
    expect(html).toContain(`<meta name="otp-bridge-token" content="${bridge.token}">`)
    expect((await fetch(new URL('/app.js', bridge.url))).status).toBe(200)
    // fetch() would normalise '..' away before sending; a raw request does not.
    expect(await rawGet('/..%2f..%2f..%2fetc%2fpasswd', new URL(bridge.url).host)).toBe(404)
    expect(await rawGet('/../../../etc/passwd', new URL(bridge.url).host)).toBe(404)
    expect(await rawGet('/%E0%A4%A', new URL(bridge.url).host)).toBe(400)
  })

  it('runs operations through the dispatcher with a session per tab', async () => {
    const login = await (await call('auth.login', { loginId: 'teller1', password: DEMO_PASSWORD })).json()
    expect(login).toMatchObject({ ok: true, value: { loginId: 'teller1' } })
    const found = await (await call('customers.search', { kana: 'ﾀﾅｶ' })).json()
    expect(found.ok).toBe(true)
    expect(found.value.length).toBeGreaterThan(0)
    const otherTab = await (await call('customers.search', { kana: 'ﾀﾅｶ' }, { 'X-OTP-Client': 'tab-2222-3333' })).json()
    expect(otherTab).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } })
  })

  it('takes a file to import only from an administrator\'s tab with the token, and stages its bytes under an id', async () => {
    const upload = (client: string, token = bridge.token) =>
      fetch(new URL('/api/upload?name=' + encodeURIComponent('顧客.csv'), bridge.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'X-OTP-Token': token, 'X-OTP-Client': client },
        body: Buffer.from('店番,口座番号\r\n001,1000001\r\n'),
      })
    expect((await upload('tab-up-0000', 'wrong')).status).toBe(401)
    expect(await (await upload('tab-up-0000')).json()).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } })
    await call('auth.login', { loginId: 'teller2', password: DEMO_PASSWORD }, { 'X-OTP-Client': 'tab-up-teller' })
    expect(await (await upload('tab-up-teller')).json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ROLE' } })
    await call('auth.login', { loginId: 'admin1', password: DEMO_PASSWORD }, { 'X-OTP-Client': 'tab-up-admin' })
    const staged = await (await upload('tab-up-admin')).json()
    expect(staged).toMatchObject({ ok: true, value: { fileName: '顧客.csv', size: 34 } })
    expect(staged.value.stagingId).toMatch(/^[0-9a-f-]{36}$/)
    const seen = await (await call('imports.inspect', { stagingId: staged.value.stagingId, kind: 'customers' }, { 'X-OTP-Client': 'tab-up-admin' })).json()
    expect(seen).toMatchObject({ ok: true, value: { header: ['店番', '口座番号'], encodingLabel: 'UTF-8' } })
  })

  it('refuses calls without the token, with a wrong token, or from a foreign origin', async () => {
    expect((await call('system.info', {}, { 'X-OTP-Token': '' })).status).toBe(401)
    expect((await call('system.info', {}, { 'X-OTP-Token': 'x'.repeat(32) })).status).toBe(401)
    expect((await call('system.info', {}, { Origin: 'http://evil.example' })).status).toBe(403)
    expect(await rawGet('/', 'evil.example:80')).toBe(421)
  })

  it('refuses unknown operations and unreadable bodies with an error envelope', async () => {
    expect(await (await call('db.exec', {})).json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } })
    const res = await fetch(new URL('/api/op/auth.login', bridge.url), {
      method: 'POST',
      headers: { 'X-OTP-Token': bridge.token, 'X-OTP-Client': CLIENT },
      body: '{not json',
    })
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } })
  })

  it('streams ledger changes to the page', async () => {
    const ac = new AbortController()
    const res = await fetch(new URL(`/api/events?token=${bridge.token}&client=${CLIENT}`, bridge.url), { signal: ac.signal })
    const reader = res.body!.getReader()
    await reader.read() // ': connected'
    app.ctx.events.emitChanged({ kind: 'request_received', customerId: 7, requestId: 9 })
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toBe('data: {"kind":"request_received","customerId":7,"requestId":9}\n\n')
    ac.abort()
  })
})
