// Walks a zod schema and lists every string field a payload can carry, with what a payload must
// also hold to reach it (the discriminator of a union branch). Tests of the text rule are
// generated from this list, so a field added to a schema is covered without being named here.
import type { z } from 'zod'

export interface StringField {
  path: (string | number)[]
  /** Values a payload needs beside the field to reach it (a union branch's discriminator). */
  context: Array<{ path: (string | number)[]; value: unknown }>
}

type Def = { type: string; [k: string]: unknown }
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def

export function stringFields(schema: z.ZodType): StringField[] {
  const out: StringField[] = []
  const walk = (s: unknown, path: (string | number)[], context: StringField['context']): void => {
    const d = defOf(s)
    switch (d.type) {
      case 'string':
        out.push({ path, context })
        return
      case 'object':
        for (const [k, v] of Object.entries(d.shape as Record<string, unknown>)) walk(v, [...path, k], context)
        return
      case 'pipe':
        return walk(d.in, path, context)
      case 'optional':
      case 'nullable':
      case 'default':
      case 'readonly':
        return walk(d.innerType, path, context)
      case 'array':
        return walk(d.element, [...path, 0], context)
      case 'union': {
        const disc = d.discriminator as string | undefined
        for (const option of d.options as unknown[]) {
          const extra = [...context]
          if (disc) {
            const lit = defOf((defOf(option).shape as Record<string, unknown>)[disc])
            extra.push({ path: [...path, disc], value: (lit.values as unknown[])[0] })
          }
          walk(option, path, extra)
        }
        return
      }
      default:
        return // enums, literals, numbers, booleans: not text
    }
  }
  walk(schema, [], [])
  return out
}

/** A payload holding `value` at `path` (and the field's context), nothing else. */
export function payloadWith(field: StringField, value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  const put = (path: (string | number)[], v: unknown) => {
    let node: Record<string | number, unknown> = root
    path.forEach((k, i) => {
      if (i === path.length - 1) node[k] = v
      else node = (node[k] ??= typeof path[i + 1] === 'number' ? [] : {}) as Record<string | number, unknown>
    })
  }
  for (const c of field.context) put(c.path, c.value)
  put(field.path, value)
  return root
}
