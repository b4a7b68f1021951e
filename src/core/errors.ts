/** The error model lives in `src/model/errors.ts` (light: effect/Data only); its Schema and wire form in `src/model/error-schema.ts`. */
export { SystemError, ToolError, ValidationError, isCtsError } from "../model/errors.js"
export type { CtsError, ErrorCategory, ErrorFields } from "../model/errors.js"
