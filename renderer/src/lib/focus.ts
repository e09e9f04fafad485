// Enter in a field of a paper-entry form never submits: it moves to the next field, like the Tab
// key (a habit of counter staff). An IME confirming a conversion (isComposing / keyCode 229) is
// left alone, as are textareas (new line) and selects (Enter opens their list). Buttons are never
// a destination, so a second Enter cannot press one either.
const FIELDS = 'input:not([type="hidden"]):not([disabled]), textarea:not([disabled])'

function isVisible(el: HTMLElement): boolean {
  return el.getClientRects().length > 0
}

export function enterMovesToNextField(e: KeyboardEvent): void {
  if (e.key !== 'Enter' || e.isComposing || e.keyCode === 229) return
  const target = e.target
  if (!(target instanceof HTMLInputElement)) return
  if (target.closest('.v-select, .v-autocomplete, .v-combobox')) return
  e.preventDefault()
  const container = e.currentTarget as HTMLElement
  const fields = Array.from(container.querySelectorAll<HTMLElement>(FIELDS)).filter((el) => isVisible(el) && el.tabIndex >= 0)
  const idx = fields.indexOf(target)
  if (idx >= 0) fields[idx + 1]?.focus()
}

/** Enter that means "do it" in a one-line form (search, login), but not the Enter that confirms an
 * IME conversion (たなか → タナカ must not search for the half-typed text). */
export function onPlainEnter(action: () => unknown): (e: KeyboardEvent) => void {
  return (e) => {
    if (e.isComposing || e.keyCode === 229) return
    void action()
  }
}
