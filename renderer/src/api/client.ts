// The typed client: one call per contract operation, typed from shared/contract.ts. Errors come
// back as AppError, rebuilt from the envelope with the shared registry of codes.
import type { OpInput, OpOutput } from '../../../shared/contract'
import { AppError } from '../../../shared/errors'
import type { LedgerChangedEvent, OperationName } from '../../../shared/operations'
import type { StagedFile } from '../../../shared/importFormat'
import { detectTransport, type Transport } from './transport'

let transport: Transport | null | undefined

function getTransport(): Transport {
  if (transport === undefined) transport = detectTransport()
  if (!transport) throw new AppError('INTERNAL', 'アプリの本体に接続できません。アプリを起動し直してください。')
  return transport
}

export async function call<K extends OperationName>(op: K, input: OpInput<K>): Promise<OpOutput<K>> {
  let result
  try {
    result = await getTransport().invoke(op, input)
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
