import { existsSync, readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../support/shared-data.js"
import { lintDockerfile, parseDockerfile } from "./dockerfile-lint.js"

const dockerfile = readFileSync(path.join(repoRoot, "deploy/Dockerfile"), "utf8")

describe("deploy/Dockerfile (linted: Docker does not run on the test machines)", () => {
  it("passes every rule: multi-stage, pinned Node 24 LTS base, non-root USER, no ADD, HEALTHCHECK, exec-form entry point", () => {
    expect(lintDockerfile(parseDockerfile(dockerfile))).toEqual([])
  })

  it("copies only what exists in the repository and builds with the lock file", () => {
    const copies = parseDockerfile(dockerfile).filter(i => i.keyword === "COPY" && !i.args.startsWith("--from"))
    for (const c of copies)
      for (const source of c.args.split(/\s+/).slice(0, -1)) expect([source, existsSync(path.join(repoRoot, source))]).toEqual([source, true])
    expect(dockerfile).toMatch(/npm ci/)
  })

  it("the linter catches each kind of mistake", () => {
    const lint = (text: string) => lintDockerfile(parseDockerfile(text))
    const good = 'FROM node:24.11.1-bookworm-slim AS b\nRUN true\nFROM node:24.11.1-bookworm-slim\nUSER app\nHEALTHCHECK CMD ["true"]\nCMD ["node"]\n'
    expect(lint(good)).toEqual([])
    expect(lint(good.replace(/24\.11\.1-bookworm-slim AS b/, "latest AS b"))).toEqual([expect.stringMatching(/not pinned/)])
    expect(lint(good.replace("USER app", "USER root"))).toEqual([expect.stringMatching(/is root/)])
    expect(lint(good.replace("USER app\n", ""))).toEqual([expect.stringMatching(/no USER/)])
    expect(lint(good.replace("RUN true", "ADD https://x.example/a.tgz /a"))).toEqual([
      expect.stringMatching(/ADD of a URL/),
      expect.stringMatching(/ADD where COPY/)
    ])
    expect(lint(good.replace('HEALTHCHECK CMD ["true"]\n', ""))).toEqual(["no HEALTHCHECK in the final stage"])
    expect(lint(good.replace('CMD ["node"]', "CMD node"))).toEqual([expect.stringMatching(/exec form/)])
    expect(lint(good.replace("RUN true", "RUN apt-get install -y \\\n  curl"))).toEqual([expect.stringMatching(/no-install-recommends/)])
    expect(lint(good.replace("RUN true", "ENV CTS_SIGNING_KEY=abc"))).toEqual([expect.stringMatching(/secret/)])
    expect(lint(good.replace(/^FROM node:24.*AS b\nRUN true\n/, ""))).toEqual(["not multi-stage: fewer than two FROM"])
    expect(lint(good.replace(/FROM node:24\.11\.1-bookworm-slim\nUSER/, "FROM node:22.11.0-bookworm-slim\nUSER"))).toEqual([expect.stringMatching(/Node 24/)])
  })
})
