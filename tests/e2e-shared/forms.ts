// Steps for the print forms (preview, 印刷, PDFを保存), shared by the browser-preview spec and the
// Electron spec. What differs between the two shells is passed in: how a saved PDF arrives (a
// Playwright download in the browser, a file in OTP_DOWNLOAD_DIR in Electron). In neither shell does
// the original window.print() run: Electron opens the system's print dialog and waits for a person,
// and so does headless Chromium (since 156.0.8078.114 its print job never ends on its own, and the
// page cannot be printed to PDF while it waits). What the dialog would print is checked instead:
// the page in print media, and the browser spec prints exactly that to PDF with Chromium itself.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'

export interface FormsShell {
  /** Runs `click` (which saves a PDF) and returns the path of the file that arrived, whose name
   * must contain `nameHas`. */
  savedPdf(page: Page, click: () => Promise<void>, nameHas: string): Promise<string>
}

/** The browser preview: a saved PDF is a Playwright download named by the main side. */
export const downloadShell: FormsShell = {
  async savedPdf(page, click, nameHas) {
    const [download] = await Promise.all([page.waitForEvent('download'), click()])
    expect(download.suggestedFilename()).toContain(nameHas)
    expect(download.suggestedFilename()).toMatch(/\.pdf$/)
    return (await download.path())!
  },
}

/** Electron: the main side's will-download handler saves into `dir` (OTP_DOWNLOAD_DIR) without
 * asking; the new file whose name contains `nameHas` is the one. */
export function folderShell(dir: string): FormsShell {
  return {
    async savedPdf(_page, click, nameHas) {
      const before = new Set(fs.readdirSync(dir))
      await click()
      let found = ''
      await expect
        .poll(() => {
          found = fs.readdirSync(dir).find((f) => !before.has(f) && f.includes(nameHas) && f.endsWith('.pdf')) ?? ''
          if (!found) return false
          // Complete: from its header to the end-of-file marker.
          const bytes = fs.readFileSync(path.join(dir, found))
          return bytes.subarray(0, 5).toString('latin1') === '%PDF-' && bytes.subarray(-1024).toString('latin1').includes('%%EOF')
        })
        .toBe(true)
      return path.join(dir, found)
    },
  }
}

/** What the print spy saw each time the app called window.print(). */
export interface PrintCall {
  /** Images in the print container. */
  pages: number
  /** Of those, how many take space on the page in the current media (print: all of them). */
  visiblePages: number
  /** Whether the app itself (#app) takes space (print: it must not). */
  appVisible: boolean
  /** Each sheet's paper size in millimetres, and its named @page. */
  sheets: { width: number; height: number; page: string }[]
}

/** Replaces window.print before the app loads: every call is counted and what the print container
 * holds at that moment is recorded. The original is not called: it would open a print dialog that
 * waits for a person (see the top of this file). Call before page.goto. */
export async function installPrintSpy(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const calls: unknown[] = []
    Object.defineProperty(window, '__printCalls', { value: calls })
    window.print = () => {
      const root = document.querySelector('[data-testid="print-root"]')
      const imgs = root ? Array.from(root.querySelectorAll('img')) : []
      const app = document.getElementById('app')
      calls.push({
        pages: imgs.length,
        visiblePages: imgs.filter((i) => i.getBoundingClientRect().width > 0).length,
        appVisible: !!app && app.getBoundingClientRect().height > 0,
        sheets: Array.from(root?.querySelectorAll<HTMLElement>('[data-testid="print-sheet"]') ?? []).map((s) => ({
          width: parseFloat(s.style.width),
          height: parseFloat(s.style.height),
          page: s.style.getPropertyValue('page'),
        })),
      })
    }
  })
}

export const printCalls = (page: Page): Promise<PrintCall[]> =>
  page.evaluate(() => (window as unknown as { __printCalls: PrintCall[] }).__printCalls.slice())

export const previewDialog = (page: Page): Locator => page.getByTestId('form-preview-dialog')

/** Opens the preview with `trigger` and waits until every page is drawn; returns the page count. */
export async function openPreview(page: Page, trigger: Locator, titleHas: string | RegExp): Promise<number> {
  await trigger.click()
  const dialog = previewDialog(page)
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('form-preview-title')).toContainText(titleHas)
  const pages = dialog.getByTestId('form-preview-pages')
  await expect(pages).toHaveText(/^全\d+ページ$/)
  const n = Number(await pages.getAttribute('data-count'))
  expect(n).toBeGreaterThan(0)
  const canvases = dialog.getByTestId('form-preview-page')
  await expect(canvases).toHaveCount(n)
  for (let i = 0; i < n; i++) await expect(canvases.nth(i)).toHaveAttribute('data-rendered', 'true')
  return n
}

/** The share of a preview page's pixels that are ink (not near-white): a blank page is ~0, a
 * form with its text and rules clearly more. */
export async function inkShare(page: Page, pageNo = 1): Promise<number> {
  return previewDialog(page)
    .locator(`[data-testid="form-preview-page"][data-page="${pageNo}"]`)
    .evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')!
      const { data } = ctx.getImageData(0, 0, c.width, c.height)
      let ink = 0
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 160 && data[i + 1]! < 160 && data[i + 2]! < 160) ink++
      return ink / (c.width * c.height)
    })
}

/** 「PDFを保存」 in the open preview: returns the saved file; the dialog closes and says where the
 * archived copy is. */
export async function saveFromPreview(page: Page, shell: FormsShell, nameHas: string): Promise<string> {
  const file = await shell.savedPdf(page, () => previewDialog(page).getByTestId('form-preview-save').click(), nameHas)
  await expect(previewDialog(page)).toHaveCount(0)
  await expect(page.getByTestId('notify-message')).toContainText('をPDFで保存しました')
  await expect(page.getByTestId('notify-message')).toContainText('控えを保管しました：forms')
  expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  return file
}

/** 「印刷」 in the open preview; returns what window.print() saw (the newest call). */
export async function printFromPreview(page: Page): Promise<PrintCall> {
  const before = (await printCalls(page)).length
  await previewDialog(page).getByTestId('form-preview-print').click()
  await expect.poll(async () => (await printCalls(page)).length, { timeout: 45_000 }).toBe(before + 1)
  await expect(previewDialog(page)).toHaveCount(0, { timeout: 45_000 })
  await expect(page.getByTestId('notify-message')).toContainText('を印刷しました')
  return (await printCalls(page))[before]!
}

/** The PDF's text through Poppler's pdftotext, without whitespace (Japanese wraps anywhere). */
export function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')
}

export function pdfInfo(file: string): { pages: number; size: string } {
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' })
  return { pages: Number(/^Pages:\s+(\d+)/m.exec(out)?.[1]), size: /^Page size:\s+(.*)$/m.exec(out)?.[1] ?? '' }
}

/** Writes bytes to a temporary PDF file (for what the page prints through page.pdf()). */
export function tempPdf(bytes: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'otp-print-')), 'print.pdf')
  fs.writeFileSync(file, bytes)
  return file
}

/** '1000052' -> '***0052', as the customer's copies print it. */
export const masked = (account: string): string => '*'.repeat(account.length - 4) + account.slice(-4)

// ---- scenarios ------------------------------------------------------------------------------------

export interface FormsEnv {
  shell: FormsShell
  /** The ledger's data folder, where the main process archives every print. */
  dataDir: string
  /** Extra checks right after 印刷 (the browser also prints the page to PDF through Chromium). */
  afterPrint?(page: Page, call: PrintCall, pdfPages: number): Promise<void>
}

/** The archived copy named in the success message 「…控えを保管しました：forms/…pdf」. */
export async function archivedFile(page: Page, env: FormsEnv): Promise<string> {
  const text = (await page.getByTestId('notify-message').textContent()) ?? ''
  const rel = /控えを保管しました：(\S+?\.pdf)/.exec(text)?.[1]
  expect(rel, text).toBeTruthy()
  const file = path.join(env.dataDir, rel!)
  expect(fs.existsSync(file), file).toBe(true)
  return file
}

/** After 印刷: the print container holds one image per PDF page, each on its own sheet, and in
 * print media only those images show (the app is hidden). The container stays until the print
 * dialog reports it is done (afterprint), which neither headless Chromium nor the spy does. */
export async function expectPrintContainer(page: Page, call: PrintCall, pdfPages: number, landscape: boolean): Promise<void> {
  expect(call.pages).toBe(pdfPages)
  expect(call.sheets).toHaveLength(pdfPages)
  for (const s of call.sheets) {
    expect(s.page).toMatch(/^otp-\d+x\d+$/)
    expect(s.width > s.height).toBe(landscape)
  }
  const images = page.getByTestId('print-root').getByTestId('print-page')
  await expect(images).toHaveCount(pdfPages)
  await expect(images.first()).toBeHidden() // on screen the container never shows
  await page.emulateMedia({ media: 'print' })
  try {
    for (let i = 0; i < pdfPages; i++) await expect(images.nth(i)).toBeVisible()
    await expect(page.locator('#app')).toBeHidden()
  } finally {
    await page.emulateMedia({ media: 'screen' })
  }
  await expect(page.locator('#app')).toBeVisible()
}

/** A 新規申込 is received by teller1 and approved by super1; every form of it is previewed, saved
 * and printed where its state allows, and reprints say 再発行. The page shows the login screen. */
export async function requestFormsJourney(
  page: Page,
  env: FormsEnv,
  c: { name: string; kana: string; account: string; ib: string },
  steps: {
    login(page: Page, loginId: string): Promise<void>
    logout(page: Page): Promise<void>
    openCustomer(page: Page): Promise<void>
    fillFromPaper(page: Page): Promise<void>
    registerForm(page: Page): Promise<string>
    openFromQueue(page: Page, receiptNo: string): Promise<void>
  },
): Promise<string> {
  await steps.login(page, 'teller1')
  await steps.openCustomer(page)
  await page.getByTestId('start-new_application').click()
  await steps.fillFromPaper(page)
  const receiptNo = await steps.registerForm(page)
  const received = page.getByTestId('application-received')

  // Before approval: the お客さま控 and the 取扱記録票, not the 処理完了のお知らせ.
  await expect(received.getByTestId('print-count-customer_receipt')).toHaveText('未印刷')
  await expect(received.getByTestId('print-form-completion_notice')).toBeDisabled()
  await expect(received.getByTestId('print-count-completion_notice')).toHaveText('役席の承認後に印刷できます')
  await expect(received.getByTestId('print-form-handling_record')).toBeEnabled()

  // --- お客さま控: preview (drawn by pdf.js, not blank), save, then the saved PDF's text.
  const pages = await openPreview(page, received.getByTestId('print-receipt'), receiptNo)
  await expect(previewDialog(page).getByTestId('form-preview-title')).toContainText('お客さま控')
  await expect(previewDialog(page).getByTestId('form-preview-first')).toBeVisible()
  await expect(previewDialog(page).getByTestId('form-preview-reprint')).toHaveCount(0)
  expect(await inkShare(page)).toBeGreaterThan(0.005)
  // Zoom: in, then back to the width.
  const zoom = previewDialog(page).getByTestId('form-preview-zoom')
  const fitted = await zoom.textContent()
  await previewDialog(page).getByTestId('form-preview-zoom-in').click()
  await expect(zoom).not.toHaveText(fitted!)
  await previewDialog(page).getByTestId('form-preview-fit').click()
  await expect(zoom).toHaveText(fitted!)

  const receipt = await saveFromPreview(page, env.shell, receiptNo)
  let text = pdfText(receipt)
  expect(text).toContain('お客さま控')
  expect(text).toContain(receiptNo)
  expect(text).toContain(masked(c.account))
  expect(text).not.toContain(c.account)
  expect(text).not.toContain('再発行（')
  expect(pdfInfo(receipt).pages).toBe(pages)
  expect(pdfText(await archivedFile(page, env))).toBe(text)
  await expect(received.getByTestId('print-count-customer_receipt')).toHaveText('印刷済 1回')

  // --- printed again, through the print dialog: a reprint (再発行 1回目), the archived copy says so.
  await openPreview(page, received.getByTestId('print-receipt'), receiptNo)
  await expect(previewDialog(page).getByTestId('form-preview-reprint')).toHaveText('再発行（1回目）')
  const call = await printFromPreview(page)
  await expect(page.getByTestId('notify-message')).toContainText('お客さま控（再発行 1回目）を印刷しました')
  text = pdfText(await archivedFile(page, env))
  expect(text).toContain('再発行（1回目）')
  expect(text).toContain(receiptNo)
  await expectPrintContainer(page, call, pages, false)
  await env.afterPrint?.(page, call, pages)
  await expect(received.getByTestId('print-count-customer_receipt')).toHaveText('印刷済 2回')

  // --- 取扱記録票 (the bank's copy, with 受付者 and 検印 boxes).
  const recordPages = await openPreview(page, received.getByTestId('print-form-handling_record'), receiptNo)
  await expect(previewDialog(page).getByTestId('form-preview-title')).toContainText('取扱記録票')
  const record = await saveFromPreview(page, env.shell, receiptNo)
  text = pdfText(record)
  expect(text).toContain('取扱記録票')
  expect(text).toContain(receiptNo)
  expect(text).toContain('佐藤美咲')
  expect(pdfInfo(record).pages).toBe(recordPages)
  await expect(received.getByTestId('print-count-handling_record')).toHaveText('印刷済 1回')

  // --- the customer's request list offers the same forms in a menu, with the counts.
  await page.getByTestId('na-done').click()
  const row = page.getByTestId('request-row').filter({ hasText: receiptNo })
  await expect(row.getByTestId('print-receipt')).toBeEnabled()
  await row.getByTestId('print-menu').click()
  const menu = page.getByTestId('print-menu-list')
  await expect(menu.getByTestId('print-count-customer_receipt')).toHaveText('印刷済 2回')
  await expect(menu.getByTestId('print-count-handling_record')).toHaveText('印刷済 1回')
  await expect(menu.getByTestId('print-form-completion_notice')).toHaveAttribute('data-available', 'false')
  await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)
  await steps.logout(page)

  // --- super1: the 取扱記録票 on the 検印 screen; after approval the 処理完了のお知らせ from the queue.
  await steps.login(page, 'super1')
  await steps.openFromQueue(page, receiptNo)
  const reviewForms = page.getByTestId('review-forms')
  await expect(reviewForms.getByTestId('print-form-completion_notice')).toBeDisabled()
  await expect(reviewForms.getByTestId('print-count-handling_record')).toHaveText('印刷済 1回')
  await page.getByTestId('approve').click()
  await page.getByTestId('approve-confirm-ok').click()
  await expect(page.getByTestId('notify-message')).toContainText('検印・承認しました')
  const approved = page.getByTestId('review-last-approved')
  await expect(approved).toHaveAttribute('data-receipt-no', receiptNo)
  await expect(approved.getByTestId('print-count-completion_notice')).toHaveText('未印刷')
  const noticePages = await openPreview(page, approved.getByTestId('print-form-completion_notice'), receiptNo)
  await expect(previewDialog(page).getByTestId('form-preview-title')).toContainText('処理完了のお知らせ')
  const notice = await saveFromPreview(page, env.shell, receiptNo)
  text = pdfText(notice)
  expect(text).toContain('処理完了のお知らせ')
  expect(text).toContain(receiptNo)
  expect(text).toContain(masked(c.account))
  expect(text).not.toContain(c.account)
  expect(pdfInfo(notice).pages).toBe(noticePages)
  await expect(approved.getByTestId('print-count-completion_notice')).toHaveText('印刷済 1回')
  await steps.logout(page)
  return receiptNo
}

/** Today in Japan, 'YYYY-MM-DD', and a date `days` away from it. */
export function japanToday(days = 0): string {
  const d = new Date(Date.now() + days * 86_400_000)
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(d)
}

/** The 日次取扱一覧 screen of a supervisor who is logged in: today's journal lists `receiptNo`
 * (previewed, saved, printed again as 再発行), yesterday's has no requests, a future date is
 * refused at the field. */
export async function dailyJournalJourney(page: Page, env: FormsEnv, receiptNo: string, receivedByName: string): Promise<void> {
  await page.getByTestId('nav-journal').click()
  const date = page.getByTestId('journal-date').locator('input')
  const shown = (ymd: string) => ymd.replace(/-/g, '/')
  await expect(date).toHaveValue(shown(japanToday()))
  await expect(page.getByTestId('journal-next-day')).toBeDisabled()
  await expect(page.getByTestId('journal-date-wareki')).toHaveText(/^令和\d+年\d+月\d+日$/)

  // --- today: the request is listed; the preview shows the page's orientation as the PDF has it.
  const pages = await openPreview(page, page.getByTestId('journal-preview'), '日次取扱一覧')
  await expect(previewDialog(page).getByTestId('form-preview-first')).toBeVisible()
  const landscape = (await previewDialog(page).getByTestId('form-preview-page').first().getAttribute('data-orientation')) === 'landscape'
  expect(await inkShare(page)).toBeGreaterThan(0.005)
  const journal = await saveFromPreview(page, env.shell, japanToday())
  let text = pdfText(journal)
  expect(text).toContain('日次取扱一覧')
  expect(text).toContain(receiptNo)
  expect(text).toContain(receivedByName.replace(/\s+/g, ''))
  const info = pdfInfo(journal)
  expect(info.pages).toBe(pages)
  const [w, h] = info.size.split(/\s*x\s*|\s+/).map(Number)
  expect(w! > h!).toBe(landscape)

  // Printed again through the print dialog: 再発行 (1回目), one sheet per page, the page's orientation.
  await openPreview(page, page.getByTestId('journal-preview'), '日次取扱一覧')
  await expect(previewDialog(page).getByTestId('form-preview-reprint')).toHaveText('再発行（1回目）')
  const call = await printFromPreview(page)
  await expect(page.getByTestId('notify-message')).toContainText('日次取扱一覧（再発行 1回目）を印刷しました')
  text = pdfText(await archivedFile(page, env))
  expect(text).toContain('再発行（1回目）')
  expect(text).toContain(receiptNo)
  await expectPrintContainer(page, call, pages, landscape)
  await env.afterPrint?.(page, call, pages)

  // --- yesterday: no requests on that day (the demo ledger holds none before today).
  await page.getByTestId('journal-prev-day').click()
  await expect(date).toHaveValue(shown(japanToday(-1)))
  await expect(page.getByTestId('journal-next-day')).toBeEnabled()
  // Typed from paper in full-width digits, it reads the same.
  await date.fill(japanToday(-1).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))).replace(/-/g, '／'))
  await date.blur()
  await expect(date).toHaveValue(shown(japanToday(-1)))
  await openPreview(page, page.getByTestId('journal-preview'), '日次取扱一覧')
  const empty = await saveFromPreview(page, env.shell, japanToday(-1))
  text = pdfText(empty)
  expect(text).toContain('日次取扱一覧')
  expect(text).toContain('この日の取扱いはありません')
  expect(text).not.toContain(receiptNo)

  // --- tomorrow: refused by the main process, the message at the field; no preview opens.
  await date.fill(japanToday(1))
  await page.getByTestId('journal-preview').click()
  await expect(page.getByTestId('journal-date')).toContainText('本日以前の日付を指定してください')
  await expect(page.getByTestId('notify-message')).toContainText('日次取扱一覧は本日以前の日付を指定してください。')
  await expect(previewDialog(page)).toHaveCount(0)
  await page.getByTestId('journal-today').click()
  await expect(page.getByTestId('journal-date')).not.toContainText('本日以前の日付を指定してください')
}
