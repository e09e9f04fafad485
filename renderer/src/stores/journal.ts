// The on-screen 日次取扱一覧 (supervisors; the head office: of the branch it chose): one business date of the branch, filtered by state and
// kind, read a page at a time (journal.list); the PDF is built by the main process (stores/forms.ts).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from '../api/client'
import type { RequestKind, RequestState } from '../../../shared/status'
import type { JournalItem, JournalPage } from '../../../shared/types'
import { useNotifyStore } from './notify'
import { useBranchesStore } from './branches'

export interface JournalFilter {
  businessDate: string
  state: RequestState | null
  kind: RequestKind | null
}

export const useJournalStore = defineStore('journal', () => {
  const items = ref<JournalItem[]>([])
  const page = ref<JournalPage | null>(null)
  const loading = ref(false)
  let filter: JournalFilter | null = null

  async function load(f: JournalFilter): Promise<void> {
    filter = { ...f }
    loading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('journal.list', { ...f, ...useBranchesStore().param }))
      if (r.ok && filter && filter.businessDate === f.businessDate && filter.state === f.state && filter.kind === f.kind) {
        page.value = r.value
        items.value = r.value.items
      }
    } finally {
      loading.value = false
    }
  }

  /** The next page of the same filter, appended. */
  async function more(): Promise<void> {
    if (!filter || !page.value?.nextCursor) return
    loading.value = true
    try {
      const r = await useNotifyStore().attempt(() => call('journal.list', { ...filter!, ...useBranchesStore().param, cursor: page.value!.nextCursor }))
      if (r.ok) {
        page.value = r.value
        items.value = [...items.value, ...r.value.items]
      }
    } finally {
      loading.value = false
    }
  }

  return { items, page, loading, load, more }
})
