import { rmSync } from "node:fs"
import path from "node:path"
import { artifactStoreContract } from "./artifact-store-contract.js"
import { useTestClient } from "./helpers.js"

const t = useTestClient()
artifactStoreContract(t, {
  name: "local",
  local: true,
  removeBytes: async (client, meta) => rmSync(path.join(client.dir, "data", "artifacts", ...meta.key.split("/")))
})
