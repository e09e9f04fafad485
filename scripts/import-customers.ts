// `npm run import:customers -- --data-dir=PATH --file=extract.csv [--mapping=mapping.json] [--full] [--apply] [--report=out.json]`
// The customer master import for scheduled runs (cron, Windows Task Scheduler): the same service
// the screen 顧客データ取込 calls. Always a dry run first; with --apply the file is then applied
// (only if the dry run could read the whole file). --kind=status reads the IB centre's status
// list instead. The mapping is a JSON object {field: column header}; without --mapping, the one
// the screen saved last time is used. Audited as done from the command line.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { settings } from '../db/schema'
import { openApp, LEDGER_FILE } from '../electron/main/ledger'
import { inspectSource, ENCODING_LABELS } from '../electron/main/importing/csvSource'
import { CUSTOMER_MAPPING_KEY, runCustomerImport } from '../electron/main/services/customerImport'
import { STATUS_MAPPING_KEY, runStatusImport } from '../electron/main/services/statusImport'
import { saveMapping } from '../electron/main/services/imports'
import { AppError } from '../shared/errors'
import type { ImportReport } from '../shared/importFormat'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=')
const flag = (name: string) => process.argv.includes(`--${name}`)
const dataDir = arg('data-dir') ?? process.env.OTP_DATA_DIR
const file = arg('file')
const kind = (arg('kind') ?? 'customers') as 'customers' | 'status'
if (!dataDir || !file || !['customers', 'status'].includes(kind)) {
  console.error(
    'Usage: npm run import:customers -- --data-dir=<ledger folder> --file=<extract.csv> [--kind=customers|status] [--mapping=<mapping.json>] [--full] [--apply] [--report=<report.json>]',
  )
  process.exit(2)
}
if (!fs.existsSync(path.join(dataDir, LEDGER_FILE))) {
  console.error(`No ledger in ${dataDir} (${LEDGER_FILE} is missing)`)
  process.exit(2)
}

function summary(r: ImportReport): string {
  const c = r.counts as Record<string, number>
  const counts = Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
  const refused = r.refused.slice(0, 20).map((x) => `  line ${x.line}: ${x.reasons.join(' / ')}`)
  return [`${r.mode} ${r.fileName} (${r.encodingLabel}, sha256 ${r.sha256}): rows=${r.rows} ${counts}`, ...refused].join('\n')
}

async function main(): Promise<number> {
  const ctx = await openApp({ dataDir: dataDir!, demo: false, transport: 'ipc', version: 'cli', backgroundVerify: false })
  try {
    const key = kind === 'customers' ? CUSTOMER_MAPPING_KEY : STATUS_MAPPING_KEY
    const mappingText = arg('mapping') ? fs.readFileSync(arg('mapping')!, 'utf8') : (await ctx.db.select().from(settings).where(eq(settings.key, key)).get())?.value
    if (!mappingText) {
      console.error('No mapping: pass --mapping=<file.json> or save one from the screen 顧客データ取込 first')
      return 2
    }
    const mapping = JSON.parse(mappingText) as Record<string, string>
    const info = await inspectSource(file!)
    console.log(`encoding: ${ENCODING_LABELS[info.encoding]}, delimiter: ${info.delimiter === '\t' ? 'tab' : 'comma'}, ${info.size} bytes`)
    const actor = { staffId: null, loginId: `cli:${os.userInfo().username}` }
    const run = (apply: boolean) =>
      kind === 'customers'
        ? runCustomerImport(ctx, { file: file!, fileName: path.basename(file!), info, mapping, fullExtract: flag('full'), apply, actor })
        : runStatusImport(ctx, { file: file!, fileName: path.basename(file!), info, mapping, apply, actor })
    let report = await run(false)
    console.log(summary(report))
    if (flag('apply')) {
      report = await run(true)
      console.log(summary(report))
    }
    await saveMapping(ctx, kind, mapping, actor)
    if (arg('report')) fs.writeFileSync(arg('report')!, JSON.stringify(report, null, 2))
    return 0
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`refused: ${err.message}`)
      return 1
    }
    throw err
  } finally {
    await ctx.ledger.close()
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err))
    process.exit(1)
  },
)
