/** How a call ended: its value, or what it threw (any value, as JavaScript allows). */
export type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };
