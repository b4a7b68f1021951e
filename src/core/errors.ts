/** The error model lives in `src/model/errors.ts`; this path stays for the data layer, tools and monitors that import it. */
export { CtsErrorSchema, ErrorCategory, SystemError, ToolError, ValidationError, isCtsError, errorFromWire, toWireError, isWireError } from "../model/errors.js"
export type { CtsError, WireError } from "../model/errors.js"
