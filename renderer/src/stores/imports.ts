// 顧客データ取込 / センター連携 (administrators): the file (Electron: the main process's open
// dialog; browser preview: the bytes uploaded), what the main side found in it (encoding, header,
// first rows), the column mapping, then the dry run, its report, and the apply.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call, inBackground, transportKind, uploadImportFile } from '../api/client'
import type { ImportInspection, ImportJobView, ImportKind, StagedFile } from '../../../shared/importFormat'
import { useNotifyStore } from './notify'

const POLL_MS = 300

export const useImportsStore = defineStore('imports', () => {
  const kind = ref<ImportKind>('customers')
  const inspection = ref<ImportInspection | null>(null)
  const mapping = ref<Record<string, string>>({})
  const fullExtract = ref(false)
  const job = ref<ImportJobView | null>(null)
  /** The dry run that the apply button would apply (same file, same mapping). */
  const dryRun = ref<ImportJobView | null>(null)
  const busy = ref(false)
  const fileError = ref<string | null>(null)
  const usesDialog = computed(() => transportKind() === 'ipc')

  function reset(k: ImportKind = kind.value): void {
    kind.value = k
    inspection.value = null
    mapping.value = {}
    fullExtract.value = false
    job.value = null
    dryRun.value = null
    fileError.value = null
  }

  async function inspect(staged: StagedFile): Promise<void> {
    const notify = useNotifyStore()
    const r = await notify.attempt(() => call('imports.inspect', { stagingId: staged.stagingId, kind: kind.value }), { silent: true })
    if (r.ok) {
      inspection.value = r.value
      mapping.value = { ...r.value.mapping }
    } else fileError.value = r.error.message
  }

  async function take(get: () => Promise<StagedFile | null>): Promise<void> {
    const k = kind.value
    reset(k)
    busy.value = true
    try {
      const notify = useNotifyStore()
      const r = await notify.attempt(get, { silent: true })
      if (!r.ok) fileError.value = r.error.message
      else if (r.value) await inspect(r.value)
    } finally {
      busy.value = false
    }
  }

  /** Electron: the main process shows the open dialog and keeps a copy of the file. */
  const choose = () => take(() => call('imports.chooseFile', {}))
  /** Browser preview: the page uploads the bytes of the file the user picked. */
  const upload = (file: File) => take(() => uploadImportFile(file))

  async function follow(started: ImportJobView): Promise<ImportJobView> {
    job.value = started
    let j = started
    while (j.state === 'running') {
      await new Promise((r) => setTimeout(r, POLL_MS))
      const r = await inBackground(() => useNotifyStore().attempt(() => call('imports.job', { jobId: started.jobId })))
      if (!r.ok) break
      j = r.value
      job.value = j
    }
    return j
  }

  async function start(mode: 'dry_run' | 'apply'): Promise<void> {
    if (!inspection.value) return
    const notify = useNotifyStore()
    busy.value = true
    try {
      const r = await notify.attempt(() =>
        call('imports.start', {
          stagingId: inspection.value!.stagingId,
          kind: kind.value,
          mapping: mapping.value,
          fullExtract: fullExtract.value,
          mode,
        }),
      )
      if (!r.ok) return
      const done = await follow(r.value)
      if (done.state === 'failed' && done.error) fileError.value = done.error.message
      if (done.state === 'done') {
        if (mode === 'dry_run') dryRun.value = done
        else {
          dryRun.value = null
          notify.success('取込を反映しました。')
        }
      }
    } finally {
      busy.value = false
    }
  }

  function changeMapping(field: string, column: string): void {
    mapping.value = { ...mapping.value, [field]: column }
    dryRun.value = null // the dry run no longer describes what would be applied
  }

  function setFullExtract(v: boolean): void {
    fullExtract.value = v
    dryRun.value = null
  }

  return { kind, inspection, mapping, fullExtract, job, dryRun, busy, fileError, usesDialog, reset, choose, upload, start, changeMapping, setFullExtract }
})
