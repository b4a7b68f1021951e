/** One Dockerfile instruction: its keyword (upper case), arguments (continuations joined) and line. */
export interface Instruction {
  readonly keyword: string
  readonly args: string
  readonly line: number
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
export const parseDockerfile = (text: string): Array<Instruction> => {
  const out: Array<Instruction> = []
  let pending = ""
  let start = 0
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim()
    if (pending === "" && (line === "" || line.startsWith("#"))) return
    if (pending === "") start = i + 1
    if (line.startsWith("#")) return
    pending += (pending ? " " : "") + line.replace(/\\$/, "").trim()
    if (line.endsWith("\\")) return
    const m = /^(\w+)\s+([\s\S]*)$/.exec(pending)
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start })
    pending = ""
  })
  return out
}

/** What is wrong with a Dockerfile, as messages; empty when it passes every rule. */
export const lintDockerfile = (instructions: ReadonlyArray<Instruction>): Array<string> => {
  const problems: Array<string> = []
  const stages = new Set<string>()
  const froms = instructions.filter(i => i.keyword === "FROM")
  if (froms.length < 2) problems.push("not multi-stage: fewer than two FROM")
  for (const f of froms) {
    const [image, as, name] = f.args.split(/\s+/)
    if (as?.toUpperCase() === "AS" && name) stages.add(name)
    if (stages.has(image!) && image !== name) continue
    const tag = /^[^:@]+:([^@\s]+)$/.exec(image!)?.[1]
    if (!tag || tag === "latest" || !/\d+\.\d+/.test(tag)) problems.push(`line ${f.line}: FROM ${image} is not pinned to a version tag`)
  }
  const final = froms.at(-1)
  if (final && !/^node:24\.\d+\.\d+/.test(final.args)) problems.push(`line ${final.line}: the final stage is not a Node 24 LTS image`)
  const lastStage = final ? instructions.filter(i => i.line >= final.line) : []
  const users = lastStage.filter(i => i.keyword === "USER")
  const user = users.at(-1)?.args.split(":")[0]
  if (!user) problems.push("the final stage has no USER (it would run as root)")
  else if (user === "root" || user === "0") problems.push(`line ${users.at(-1)!.line}: USER ${user} is root`)
  for (const i of instructions) {
    if (i.keyword === "ADD" && /https?:\/\//.test(i.args)) problems.push(`line ${i.line}: ADD of a URL (use RUN with a checked download, or COPY)`)
    if (i.keyword === "ADD") problems.push(`line ${i.line}: ADD where COPY does (ADD also unpacks archives)`)
    if (i.keyword === "RUN" && /apt-get install(?![^&;]*--no-install-recommends)/.test(i.args))
      problems.push(`line ${i.line}: apt-get install without --no-install-recommends`)
    if (i.keyword === "RUN" && /curl[^|]*\|\s*(sh|bash)/.test(i.args)) problems.push(`line ${i.line}: pipes a download into a shell`)
    if (["ENV", "ARG"].includes(i.keyword) && /(SECRET|PASSWORD|TOKEN|SIGNING_KEY)\w*\s*=/.test(i.args))
      problems.push(`line ${i.line}: a secret baked into the image`)
  }
  if (!lastStage.some(i => i.keyword === "HEALTHCHECK" && !/^NONE$/i.test(i.args))) problems.push("no HEALTHCHECK in the final stage")
  const entry = lastStage.find(i => i.keyword === "ENTRYPOINT" || i.keyword === "CMD")
  if (!entry || !entry.args.startsWith("[")) problems.push("ENTRYPOINT/CMD not in exec form (signals would not reach node)")
  return problems
}
