// The ledger's integrity (administrators): the last verification of the journal, a full one on
// demand (検証), and the digest exported to a file.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from '../api/client'
import type { IntegrityStatus } from '../../../shared/integrity'
import { base64ToBytes, downloadBlob } from '../lib/download'
import { useNotifyStore } from './notify'

export const useIntegrityStore = defineStore('integrity', () => {
  const status = ref<IntegrityStatus | null>(null)
  const verifying = ref(false)

  async function load(): Promise<void> {
    const r = await useNotifyStore().attempt(() => call('integrity.status', {}))
    if (r.ok) status.value = r.value
  }

  async function verify(): Promise<void> {
    verifying.value = true
    // The verification runs in the main process's worker: its progress is read meanwhile.
    const poll = setInterval(() => void load(), 1000)
    try {
      const r = await useNotifyStore().attempt(() => call('integrity.verify', {}))
      if (!r.ok) return
      if (r.value.ok) useNotifyStore().success(`台帳を検証しました。改ざんはありません（仕訳 ${r.value.digest.count} 件）。`)
      else useNotifyStore().show('error', '台帳の検証で問題が見つかりました。内容を確認してください。')
    } finally {
      clearInterval(poll)
      verifying.value = false
      await load()
    }
  }

  async function exportDigest(): Promise<void> {
    const r = await useNotifyStore().attempt(() => call('integrity.exportDigest', {}))
    if (!r.ok || r.value.cancelled) return
    if (r.value.contentBase64) downloadBlob(r.value.fileName, new Blob([base64ToBytes(r.value.contentBase64)], { type: 'text/plain' }))
    useNotifyStore().success(`台帳ダイジェストを出力しました（${r.value.fileName}）。`)
  }

  return { status, verifying, load, verify, exportDigest }
})
