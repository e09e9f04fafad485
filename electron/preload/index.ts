// The preload: exposes exactly the operations of the shared contract, one function each, each on
// its own namespaced IPC channel, plus a subscription to ledger-changed events. Nothing else of
// Electron or Node reaches the page (contextIsolation + sandbox).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNEL, OPERATION_NAMES, channelOf, type LedgerChangedEvent } from '../../shared/operations'

// The second argument says whether the window made the call on its own (a background refresh),
// which does not renew the session; only `{ background: true }` is passed on.
const ops = Object.fromEntries(
  OPERATION_NAMES.map((op) => [
    op,
    (payload: unknown, meta?: { background?: boolean }) => ipcRenderer.invoke(channelOf(op), payload, { background: meta?.background === true }),
  ]),
)

contextBridge.exposeInMainWorld('otp', {
  ops,
  onLedgerChanged(cb: (e: LedgerChangedEvent) => void): () => void {
    const listener = (_e: IpcRendererEvent, payload: LedgerChangedEvent) => cb(payload)
    ipcRenderer.on(EVENT_CHANNEL, listener)
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, listener)
  },
})
