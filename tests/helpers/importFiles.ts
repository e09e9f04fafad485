// Real files for the import tests, written by the tests themselves in the encodings a core
// banking system hands out (CP932 from older systems, UTF-8 with or without BOM from newer ones),
// encoded with iconv-lite, the same library the app decodes with only for CP932.
import fs from 'node:fs'
import path from 'node:path'
import iconv from 'iconv-lite'
import type { AppContext } from '../../electron/main/context'
import type { OpOutput } from '../../shared/contract'
import type { ImportJobView } from '../../shared/importFormat'
import { stagePath } from '../../electron/main/importing/staging'
import type { TestApp } from './app'

export type FileEncoding = 'cp932' | 'utf-8' | 'utf-8-bom'

export const CUSTOMER_HEADER = ['店番', '科目', '口座番号', '漢字氏名', 'カナ氏名', '生年月日', '郵便番号', '住所', '電話番号', 'IB契約者ID']
/** The mapping of CUSTOMER_HEADER (the file says 科目 and 漢字氏名, the app 預金種目 and 氏名). */
export const CUSTOMER_MAPPING = {
  branchCode: '店番',
  accountType: '科目',
  accountNumber: '口座番号',
  nameKanji: '漢字氏名',
  nameKana: 'カナ氏名',
  birthDate: '生年月日',
  postalCode: '郵便番号',
  address: '住所',
  phone: '電話番号',
  ibContractId: 'IB契約者ID',
}

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

export function csvText(rows: string[][], delimiter = ','): string {
  return rows.map((r) => r.map(quote).join(delimiter)).join('\r\n') + '\r\n'
}

export function encode(text: string, enc: FileEncoding): Buffer {
  if (enc === 'cp932') return iconv.encode(text, 'cp932')
  const body = Buffer.from(text, 'utf8')
  return enc === 'utf-8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body
}

export function writeFile(dir: string, name: string, content: Buffer | string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

export async function stage(ctx: AppContext, file: string): Promise<string> {
  return (await stagePath(ctx, file, 'test')).stagingId
}

/** Starts an import through the dispatcher and waits for its end. */
export async function runImport(
  app: TestApp,
  input: { stagingId: string; kind: 'customers' | 'status'; mapping: Record<string, string>; fullExtract?: boolean; mode: 'dry_run' | 'apply' },
  key?: string,
): Promise<ImportJobView> {
  const started: OpOutput<'imports.start'> = await app.ok('imports.start', { fullExtract: false, ...input }, key)
  for (;;) {
    const j = await app.ok('imports.job', { jobId: started.jobId }, key)
    if (j.state !== 'running') return j
    await new Promise((r) => setTimeout(r, 10))
  }
}
