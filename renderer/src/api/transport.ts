// How the page reaches the main side. In Electron: the preload's `window.otp` (IPC). In the
// browser preview: the HTTP bridge on 127.0.0.1, whose per-run token the bridge wrote into the
// page. The preview's session is bound to an HttpOnly cookie the bridge set with the page: this
// code never sees it, and no id chosen here names a session.
import type { Result } from '../../../shared/errors'
import type { LedgerChangedEvent, OperationName } from '../../../shared/operations'

export interface Transport {
  kind: 'ipc' | 'http-bridge'
  /** `background`: the window calls on its own (a refresh after another staff member's action, a
   * poll); the main side then does not count it as the person's activity. */
  invoke(op: OperationName, payload: unknown, background?: boolean): Promise<Result<unknown>>
  onLedgerChanged(cb: (e: LedgerChangedEvent) => void): () => void
  /** Browser preview only: sends a file's bytes to the main side's import staging area (Electron
   * asks the main process to show the open dialog instead: imports.chooseFile). */
  upload?(fileName: string, body: Blob): Promise<Result<unknown>>
}

interface PreloadApi {
  ops: Record<OperationName, (payload: unknown, meta?: { background?: boolean }) => Promise<Result<unknown>>>
  onLedgerChanged(cb: (e: LedgerChangedEvent) => void): () => void
}

declare global {
  interface Window {
    otp?: PreloadApi
  }
}

function ipcTransport(api: PreloadApi): Transport {
  return {
    kind: 'ipc',
    invoke: (op, payload, background) => {
      const fn = api.ops[op]
      if (!fn) return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_OPERATION', message: '不明な操作です。' } })
      return fn(payload, { background: background === true })
    },
    onLedgerChanged: (cb) => api.onLedgerChanged(cb),
  }
}

const isEnvelope = (x: unknown): x is Result<unknown> => !!x && typeof x === 'object' && typeof (x as { ok?: unknown }).ok === 'boolean'

/** How long to wait before opening the event stream again after the bridge refused or ended it
 * (before a login, after a session ended). */
const EVENTS_RETRY_MS = 5000

/** Operations after which the session exists: a waiting event stream is opened at once, so no
 * ledger event of the first seconds after a login is missed. */
const STARTS_SESSION: readonly OperationName[] = ['auth.login', 'auth.setupFirstAdmin']

function httpTransport(token: string): Transport {
  const waitingStreams = new Set<() => void>()
  return {
    kind: 'http-bridge',
    async invoke(op, payload, background) {
      const res = await fetch(`/api/op/${op}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-OTP-Token': token, ...(background ? { 'X-OTP-Background': '1' } : {}) },
        body: JSON.stringify(payload ?? {}),
      })
      // Refusals with a body (413, 429) carry the shared envelope and its Japanese message.
      const body: unknown = await res.json().catch(() => null)
      if (isEnvelope(body)) {
        if (body.ok && STARTS_SESSION.includes(op)) for (const reopen of [...waitingStreams]) reopen()
        return body
      }
      return { ok: false, error: { code: 'INTERNAL', message: `通信エラー（${res.status}）が発生しました。` } }
    },
    async upload(fileName, body) {
      const res = await fetch(`/api/upload?name=${encodeURIComponent(fileName)}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/octet-stream', 'X-OTP-Token': token },
        body,
      })
      if (!res.ok) return { ok: false, error: { code: 'INTERNAL', message: `通信エラー（${res.status}）が発生しました。` } }
      return (await res.json()) as Result<unknown>
    },
    onLedgerChanged(cb) {
      let es: EventSource | null = null
      let timer: ReturnType<typeof setTimeout> | null = null
      let closed = false
      const open = () => {
        waitingStreams.delete(open)
        if (timer) clearTimeout(timer)
        timer = null
        if (closed || es) return
        es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
        es.onmessage = (m) => cb(JSON.parse(m.data as string) as LedgerChangedEvent)
        es.onerror = () => {
          // The stream is only for a logged-in session: when refused or ended, try again later.
          if (es?.readyState === EventSource.CLOSED) {
            es = null
            timer = setTimeout(open, EVENTS_RETRY_MS)
            waitingStreams.add(open) // or at once, after the next login
          }
        }
      }
      open()
      return () => {
        closed = true
        waitingStreams.delete(open)
        if (timer) clearTimeout(timer)
        es?.close()
      }
    },
  }
}

export function detectTransport(): Transport | null {
  if (window.otp) return ipcTransport(window.otp)
  const token = document.querySelector<HTMLMetaElement>('meta[name="otp-bridge-token"]')?.content
  return token ? httpTransport(token) : null
}
