// The 5 MB font files are read once per process, not for every print (each read and parse cost
// the first prints ~0.4 s and every later one a disk read of both files).
import fs from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { resolveJapaneseFontFiles } from '../../../forms/fonts'
import { renderPdf, warmUpPdf } from '../../../forms/render'
import { customerReceiptDefinition } from '../../../forms/customerReceipt'
import { sampleReceipt } from './customer-receipt.fixtures'

describe('fonts of the print forms', () => {
  it('are read from disk once, by the warm-up, and never again by the prints that follow', async () => {
    const files = resolveJapaneseFontFiles()
    const read = vi.spyOn(fs, 'readFileSync')
    const fontReads = () => read.mock.calls.filter(([p]) => p === files.regular || p === files.bold).length
    await warmUpPdf()
    expect(fontReads()).toBe(2)
    const a = await renderPdf(customerReceiptDefinition(sampleReceipt()))
    const b = await renderPdf(customerReceiptDefinition(sampleReceipt()))
    expect(fontReads()).toBe(2)
    expect(a.equals(b)).toBe(true) // still reproducible
    expect(a.toString('latin1')).toContain('/FontFile2') // the font is embedded
    read.mockRestore()
  })
})
