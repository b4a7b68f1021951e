/** Most items an error message or its details list; the rest are counted, so a hostile request cannot grow the answer. */
export const LISTED_AT_MOST = 10

/** The first `max` items joined with `separator`, then "… and N more" when there are more. */
export const listFew = (items: ReadonlyArray<string>, separator = ", ", max = LISTED_AT_MOST): string =>
  items.length <= max ? items.join(separator) : `${items.slice(0, max).join(separator)}${separator}… and ${items.length - max} more`

/** Longest text of one listed item (an issue may quote the whole offending value). */
export const ITEM_CHARS_AT_MOST = 300

/** `text` cut to `max` characters, marked with "…" when cut. */
export const clip = (text: string, max = ITEM_CHARS_AT_MOST): string => (text.length <= max ? text : `${text.slice(0, max)}…`)
