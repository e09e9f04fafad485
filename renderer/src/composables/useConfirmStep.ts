// The step between typing a paper form and sending it: check every field; if something is wrong,
// say how many in the one notification place and put the cursor in the first one; otherwise open
// the confirmation dialog. Used by the request form and by the 差戻し correction screen.
import { nextTick, ref, watch } from 'vue'
import { useNotifyStore } from '../stores/notify'
import type { RequestFormState } from './useRequestForm'

export function useConfirmStep(form: RequestFormState) {
  const notify = useNotifyStore()
  /** The element around the fields (template ref). */
  const fieldsBox = ref<HTMLElement | null>(null)
  const confirming = ref(false)

  async function focusFirstError(): Promise<void> {
    await nextTick()
    const el = fieldsBox.value?.querySelector<HTMLElement>('.v-input--error input, .v-input--error textarea')
    el?.focus()
    el?.scrollIntoView({ block: 'center' })
  }

  const countMessage = (n: number) => `入力内容に誤りがあります（${n}件）。赤字の項目を確認してください。`
  /** The count shown in the snackbar, while it is still the one on screen. */
  let shown = ''

  function review(): void {
    if (form.fraudSuspected.value) return
    if (!form.validation.validateAll()) {
      shown = countMessage(form.validation.errorCount.value)
      notify.show('error', shown)
      void focusFirstError()
      return
    }
    confirming.value = true
  }

  // The count follows the corrections: it goes down as fields are fixed, and the notice goes away
  // when nothing is wrong any more (issue 13: it used to stay).
  watch(
    () => form.validation.errorCount.value,
    (n) => {
      if (!shown || !notify.visible || notify.message !== shown) {
        shown = ''
        return
      }
      if (n === 0) {
        notify.dismiss()
        shown = ''
      } else {
        shown = countMessage(n)
        notify.message = shown
      }
    },
  )

  return { fieldsBox, confirming, focusFirstError, review }
}
