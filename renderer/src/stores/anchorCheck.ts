// 「控えの照合」 (administrators): a digest read off a printed 日次取扱一覧 (its QR code, by a barcode
// scanner) or typed off the paper is checked against the ledger (integrity.checkAnchor).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from '../api/client'
import type { AnchorResult } from '../../../shared/integrity'
import type { Outcome } from '../lib/outcome'
import { useNotifyStore } from './notify'

export const useAnchorCheckStore = defineStore('anchorCheck', () => {
  const result = ref<AnchorResult | null>(null)
  const checking = ref(false)

  async function check(input: { scanned: string } | { count: string; hash: string }): Promise<Outcome<AnchorResult>> {
    checking.value = true
    result.value = null
    try {
      const r = await useNotifyStore().attempt(() => call('integrity.checkAnchor', input))
      if (r.ok) result.value = r.value
      return r
    } finally {
      checking.value = false
    }
  }

  function clear(): void {
    result.value = null
  }

  return { result, checking, check, clear }
})
