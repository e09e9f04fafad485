// The typed client: one call per contract operation, typed from shared/contract.ts. Errors come
// back as AppError, rebuilt from the envelope with the shared registry of codes.
import type { OpInput, OpOutput } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import type { LedgerChangedEvent, OperationName } from '../../../shared/operations'
import type { StagedFile } from '../../../shared/importFormat'
import { detectTransport, type Transport } from './transport'

let transport: Transport | null | undefined

/** Set while a refresh the window makes on its own starts its calls (see inBackground). */
let backgroundDepth = 0
/** Told of every call the person started (a command, a query), for the idle lock. */
let onForegroundCall: (() => void) | null = null

/**
 * Runs `fn` as the window's own work (a refresh after another staff member's action, a poll):
 * every call it starts synchronously, before its first await, is marked background, and the main
 * side does not count it as the person's activity. Stores start their call synchronously.
 */
export function inBackground<T>(fn: () => T): T {
  backgroundDepth++
  try {
    return fn()
  } finally {
    backgroundDepth--
  }
}

export function setForegroundCallListener(l: (() => void) | null): void {
  onForegroundCall = l
}

function getTransport(): Transport {
  if (transport === undefined) transport = detectTransport()
  if (!transport) throw new AppError('INTERNAL', 'アプリの本体に接続できません。アプリを起動し直してください。')
  return transport
}

export async function call<K extends OperationName>(op: K, input: OpInput<K>): Promise<OpOutput<K>> {
  const background = backgroundDepth > 0
  if (!background) onForegroundCall?.()
  let result
  try {
    result = await getTransport().invoke(op, input, background)
  } catch (err) {
    if (err instanceof AppError) throw err
    throw new AppError('INTERNAL', 'アプリの本体と通信できませんでした。')
  }
  if (result.ok) return result.value as OpOutput<K>
  throw AppError.fromPayload(result.error)
}

export function onLedgerChanged(cb: (e: LedgerChangedEvent) => void): () => void {
  return getTransport().onLedgerChanged(cb)
}

export function transportKind(): Transport['kind'] | null {
  try {
    return getTransport().kind
  } catch {
    return null
  }
}

/** Browser preview: the page uploads the chosen file's bytes (it never names a path). */
export async function uploadImportFile(file: File): Promise<StagedFile> {
  const t = getTransport()
  if (!t.upload) throw new AppError('INTERNAL', 'この画面からはファイルを送信できません。')
  let result
  try {
    result = await t.upload(file.name, file)
  } catch {
    throw new AppError('INTERNAL', 'アプリの本体と通信できませんでした。')
  }
  if (result.ok) return result.value as StagedFile
  throw AppError.fromPayload(result.error)
}
