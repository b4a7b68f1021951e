/** URL of a built entry file (`dist/<file>`): beside the calling chunk in the bundled package, the repository's build output from the TypeScript sources (tests, development). */
export const builtEntryUrl = (file: string): URL => {
  const here = import.meta.url
  return here.endsWith(".ts") ? new URL(`../../../dist/${file}`, here) : new URL(`./${file}`, here)
}
