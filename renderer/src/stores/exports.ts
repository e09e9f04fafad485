// CSV exports: the main process writes the file where the user chooses (Electron's save dialog)
// or hands the bytes back, which the page offers as a download (browser preview). The page never
// names a path.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from '../api/client'
import type { OpInput } from '../../../shared/contract'
import type { ExportEncoding, ExportResult } from '../../../shared/exportFormat'
import { base64ToBytes, downloadBlob } from '../lib/download'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'

type ExportOp = 'exports.requests' | 'exports.journal' | 'exports.customers' | 'exports.figures' | 'exports.audit'

export const useExportsStore = defineStore('exports', () => {
  const encoding = ref<ExportEncoding>('cp932')
  const running = ref<ExportOp | null>(null)

  async function run<K extends ExportOp>(op: K, input: Omit<OpInput<K>, 'encoding'>): Promise<Outcome<ExportResult>> {
    const notify = useNotifyStore()
    running.value = op
    try {
      const r = await notify.attempt(() => call(op, { ...input, encoding: encoding.value } as OpInput<K>))
      if (!r.ok) return r
      const x = r.value as ExportResult
      if (x.contentBase64) downloadBlob(x.fileName, new Blob([base64ToBytes(x.contentBase64)], { type: 'text/csv' }))
      if (!x.cancelled) notify.success(`${x.fileName}（${x.rowCount.toLocaleString()}件）を${x.saved ? '保存' : 'ダウンロード'}しました。`)
      return { ok: true, value: x }
    } finally {
      running.value = null
    }
  }

  return { encoding, running, run }
})
