import { h } from "./dom.js"

type JsonSchema = {
  type?: string | string[]
  enum?: unknown[]
  default?: unknown
  description?: string
  title?: string
  minimum?: number
  maximum?: number
  $ref?: string
  anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  $defs?: Record<string, JsonSchema>
}

/** The schema a `$ref` / `anyOf` stands for (the first non-null branch), merged with the property's own notes. */
const resolve = (root: JsonSchema, s: JsonSchema): JsonSchema => {
  let out = s
  if (s.$ref?.startsWith("#/$defs/")) out = { ...root.$defs?.[s.$ref.slice(8)], ...s }
  if (out.anyOf) {
    const { anyOf, ...own } = out
    out = { ...resolve(root, anyOf.find(b => b.type !== "null") ?? {}), ...own }
  }
  return out
}

/** A form built from a tool's params JSON Schema; `read()` returns the typed params (blank fields left out) or throws naming the bad field. */
export const schemaForm = (schema: JsonSchema) => {
  const fields: Array<{ name: string; read: () => unknown }> = []
  const elements: HTMLElement[] = []
  /** A schema with an identifier is a `$ref` to its `$defs` entry. */
  const top = resolve(schema, schema)
  for (const [name, raw] of Object.entries(top.properties ?? {})) {
    const s = resolve(schema, raw)
    const type = Array.isArray(s.type) ? s.type.find(t => t !== "null") : s.type
    const id = `param-${name}`
    const required = top.required?.includes(name) ?? false
    let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
    let read: () => unknown
    if (s.enum) {
      control = h(
        "select",
        { id, name },
        ...(required ? [] : [h("option", { value: "" }, "(default)")]),
        ...s.enum.map(v => h("option", { value: String(v) }, String(v)))
      )
      if (s.default !== undefined) control.value = String(s.default)
      const sel = control
      read = () => (sel.value === "" ? undefined : (s.enum!.find(v => String(v) === sel.value) ?? sel.value))
    } else if (type === "boolean") {
      const box = h("input", { id, name, type: "checkbox" })
      box.checked = s.default === true
      control = box
      read = () => box.checked
    } else if (type === "number" || type === "integer") {
      const num = h("input", {
        id,
        name,
        type: "number",
        step: type === "integer" ? "1" : "any",
        ...(s.minimum !== undefined ? { min: s.minimum } : {}),
        ...(s.maximum !== undefined ? { max: s.maximum } : {}),
        ...(s.default !== undefined ? { value: String(s.default) } : {})
      })
      control = num
      read = () => (num.value === "" ? undefined : Number(num.value))
    } else if (type === "array" || type === "object") {
      const area = h("textarea", { id, name, rows: 2, placeholder: "JSON" })
      if (s.default !== undefined) area.value = JSON.stringify(s.default)
      control = area
      read = () => {
        if (area.value.trim() === "") return undefined
        try {
          return JSON.parse(area.value)
        } catch {
          throw new Error(`Parameter ${name}: not valid JSON.`)
        }
      }
    } else {
      const text = h("input", { id, name, type: "text", ...(s.default !== undefined ? { value: String(s.default) } : {}) })
      control = text
      read = () => (text.value === "" ? undefined : text.value)
    }
    fields.push({ name, read })
    elements.push(
      h("div", { class: "field" }, h("label", { for: id }, name, required ? " *" : ""), control, s.description ? h("small", {}, s.description) : null)
    )
  }
  return {
    elements,
    read: (): Record<string, unknown> => Object.fromEntries(fields.map(f => [f.name, f.read()]).filter(([, v]) => v !== undefined))
  }
}
