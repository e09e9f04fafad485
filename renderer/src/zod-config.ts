// Imported first by main.ts, before anything builds a schema. The shared schemas validate forms in
// the page too; zod would probe `new Function('')` to compile its parsers when a schema is built,
// and the page's CSP has no 'unsafe-eval': the probe is then a CSP violation (zod catches it, but
// it is reported). jitless: the same validation, interpreted, without the probe.
import { z } from 'zod'

z.config({ jitless: true })
