// How the page reaches the main side. In Electron: the preload's `window.otp` (IPC). In the
// browser preview: the HTTP bridge on 127.0.0.1, whose per-run token the bridge wrote into the page.
import type { Result } from '../../../shared/errors'
import type { LedgerChangedEvent, OperationName } from '../../../shared/operations'

export interface Transport {
  kind: 'ipc' | 'http-bridge'
  invoke(op: OperationName, payload: unknown): Promise<Result<unknown>>
  onLedgerChanged(cb: (e: LedgerChangedEvent) => void): () => void
  /** Browser preview only: sends a file's bytes to the main side's import staging area (Electron
   * asks the main process to show the open dialog instead: imports.chooseFile). */
  upload?(fileName: string, body: Blob): Promise<Result<unknown>>
}

interface PreloadApi {
  ops: Record<OperationName, (payload: unknown) => Promise<Result<unknown>>>
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
    invoke: (op, payload) => {
      const fn = api.ops[op]
      if (!fn) return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_OPERATION', message: '不明な操作です。' } })
      return fn(payload)
    },
    onLedgerChanged: (cb) => api.onLedgerChanged(cb),
  }
}

/** One id per browser tab: the bridge keys the main-side session on it, as Electron keys it on the window. */
function tabClientId(): string {
  const k = 'otp-bridge-client'
  let id = sessionStorage.getItem(k)
  if (!id) {
    id = crypto.randomUUID()
    sessionStorage.setItem(k, id)
  }
  return id
}

function httpTransport(token: string): Transport {
  const client = tabClientId()
  return {
    kind: 'http-bridge',
    async invoke(op, payload) {
      const res = await fetch(`/api/op/${op}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-OTP-Token': token, 'X-OTP-Client': client },
        body: JSON.stringify(payload ?? {}),
      })
      if (!res.ok) return { ok: false, error: { code: 'INTERNAL', message: `通信エラー（${res.status}）が発生しました。` } }
      return (await res.json()) as Result<unknown>
    },
    async upload(fileName, body) {
      const res = await fetch(`/api/upload?name=${encodeURIComponent(fileName)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'X-OTP-Token': token, 'X-OTP-Client': client },
        body,
      })
      if (!res.ok) return { ok: false, error: { code: 'INTERNAL', message: `通信エラー（${res.status}）が発生しました。` } }
      return (await res.json()) as Result<unknown>
    },
    onLedgerChanged(cb) {
      const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}&client=${encodeURIComponent(client)}`)
      es.onmessage = (m) => cb(JSON.parse(m.data as string) as LedgerChangedEvent)
      return () => es.close()
    },
  }
}

export function detectTransport(): Transport | null {
  if (window.otp) return ipcTransport(window.otp)
  const token = document.querySelector<HTMLMetaElement>('meta[name="otp-bridge-token"]')?.content
  return token ? httpTransport(token) : null
}
