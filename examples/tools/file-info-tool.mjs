// A custom cts-lite tool in plain JavaScript. Register it with `extraToolModules: [pathToThisFile]`;
// worker threads import this same module to run it. (In your project: import from "cts-lite".)
import { createHash } from "node:crypto"
import { Effect, Schema } from "effect"
import { ToolError, defineTool } from "../../dist/index.js"

const MAGIC = [
  { name: "zstd", bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: "bzip2", bytes: [0x42, 0x5a, 0x68] }
]

export const fileInfoTool = defineTool({
  id: "file-info",
  name: "File info",
  description: "Reports a file's size, sha256 and compression, as a JSON artifact",
  category: "analyzer",
  version: "1.0.0",
  params: Schema.Struct({ headBytes: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 64)), { default: () => 8 }) }),
  inputs: [{ kind: "rlog", description: "any file" }],
  // Any bytes are fine: no check of the input's kind.
  checkInputKinds: false,
  outputs: [{ name: "file-info.json", contentType: "application/json", description: "size, sha256, compression, first bytes" }],
  run: ctx =>
    Effect.tryPromise({
      try: async () => {
        const hash = createHash("sha256")
        let size = 0
        let head = Buffer.alloc(0)
        for await (const chunk of ctx.input.open()) {
          ctx.signal.throwIfAborted()
          if (head.length < 64) head = Buffer.concat([head, Buffer.from(chunk.subarray(0, 64 - head.length))])
          hash.update(chunk)
          size += chunk.byteLength
          ctx.progress(size / Math.max(ctx.input.size, 1))
        }
        const compression = MAGIC.find(m => m.bytes.every((b, i) => head[i] === b))?.name ?? "none"
        const info = { name: ctx.input.name, size, sha256: hash.digest("hex"), compression, head: head.subarray(0, ctx.params.headBytes).toString("hex") }
        ctx.log("info", `${info.name}: ${size} bytes, ${compression}`)
        await ctx.artifacts.write("file-info.json", "application/json", JSON.stringify(info, null, 2) + "\n")
        return { summary: info }
      },
      catch: e => new ToolError({ code: "read_failed", message: `Reading the input failed: ${e instanceof Error ? e.message : String(e)}` })
    })
})
