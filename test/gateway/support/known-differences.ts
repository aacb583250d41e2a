/**
 * Recorded exchanges the local gateway knowingly answers differently, each with the reason.
 * The replay tests print this list and fail if a listed exchange starts to match (so the
 * list cannot go stale) or if an unlisted one differs.
 */
export const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {};
