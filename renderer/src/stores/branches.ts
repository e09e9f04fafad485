// The branches of the ledger and the one the head office (本部) is looking at. Branch staff always
// see their own branch (the main side decides, services/branchScope.ts); the head office chooses
// one for the per-branch screens (検印待ち, 日次取扱一覧), kept while it moves between them.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call } from '../api/client'
import type { BranchSummary } from '../../../shared/types'
import { useNotifyStore } from './notify'
import { useSessionStore } from './session'

export const useBranchesStore = defineStore('branches', () => {
  const list = ref<BranchSummary[]>([])
  /** The chosen 店番; null: the caller's own branch. */
  const viewed = ref<string | null>(null)
  const choosing = computed(() => useSessionStore().role === 'head_office')

  async function load(): Promise<void> {
    if (list.value.length) return
    const r = await useNotifyStore().attempt(() => call('branches.list', {}))
    if (r.ok) {
      list.value = r.value
      // The head office receives nothing itself: start at the first branch that does.
      const own = useSessionStore().user?.branchCode
      if (viewed.value === null) viewed.value = r.value.find((b) => b.code !== own)?.code ?? own ?? null
    }
  }

  /** What a per-branch call adds: the chosen branch for the head office, nothing for branch staff. */
  const param = computed<{ branchCode?: string }>(() => (choosing.value && viewed.value ? { branchCode: viewed.value } : {}))

  function clear(): void {
    list.value = []
    viewed.value = null
  }

  return { list, viewed, choosing, param, load, clear }
})
