// A browser as the preview bridge sees it: it loads the page (and with it the HttpOnly session
// cookie and the per-run token), then calls operations with both.
import type { Bridge } from '../../electron/bridge/server'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the value its operation returns
type Envelope = { ok: boolean; value?: any; error?: { code: string; message: string } }

export class TestBrowser {
  cookie = ''
  constructor(readonly bridge: Bridge) {}

  async open(): Promise<this> {
    const res = await fetch(this.bridge.url, { headers: this.cookie ? { Cookie: this.cookie } : {} })
    const set = res.headers.get('set-cookie')
    if (set) this.cookie = set.split(';')[0]!
    await res.text()
    return this
  }

  call(op: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(new URL(`/api/op/${op}`, this.bridge.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-OTP-Token': this.bridge.token, Cookie: this.cookie, ...headers },
      body: JSON.stringify(body),
    })
  }

  async json(op: string, body: unknown): Promise<Envelope> {
    return (await this.call(op, body)).json()
  }

  events(signal: AbortSignal): Promise<Response> {
    return fetch(new URL(`/api/events?token=${this.bridge.token}`, this.bridge.url), { headers: { Cookie: this.cookie }, signal })
  }
}
