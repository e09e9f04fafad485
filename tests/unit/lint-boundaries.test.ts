// The layout's boundaries are enforced by ESLint (eslint.config.mjs). These cases prove the rules
// fire on the imports they exist to stop, and stay quiet on the ones that are allowed.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('import boundaries', () => {
  it.each([
    ['shared/x.ts', "import fs from 'node:fs'\nexport const a = fs"],
    ['shared/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['shared/x.ts', "import { customers } from '../db/schema'\nexport const a = customers"],
    ['shared/x.ts', "import { call } from '../renderer/src/api/client'\nexport const a = call"],
    ['renderer/src/x.ts', "import { customers } from '../../db/schema'\nexport const a = customers"],
    ['renderer/src/x.ts', "import { dispatch } from '../../electron/main/dispatcher'\nexport const a = dispatch"],
    ['renderer/src/x.ts', "import Database from 'better-sqlite3'\nexport const a = Database"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron'\nexport const a = ipcRenderer"],
    ['electron/preload/x.ts', "import { contract } from '../../shared/contract'\nexport const a = contract"],
    ['db/x.ts', "import { dispatch } from '../electron/main/dispatcher'\nexport const a = dispatch"],
  ])('%s may not: %s', async (file, code) => {
    expect(await importErrors(file, code)).not.toEqual([])
  })

  it.each([
    ['renderer/src/x.ts', "import { STATUS_LABELS } from '../../shared/status'\nexport const a = STATUS_LABELS"],
    ['electron/preload/x.ts', "import { contextBridge } from 'electron'\nimport { OPERATION_NAMES } from '../../shared/operations'\nexport const a = [contextBridge, OPERATION_NAMES]"],
    ['electron/main/x.ts', "import fs from 'node:fs'\nimport { customers } from '../../db/schema'\nexport const a = [fs, customers]"],
  ])('%s may: %s', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([])
  })
})
