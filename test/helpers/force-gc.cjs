// Preloaded with `node --expose-gc --require` into a spawned CLI: collects garbage every
// 10 ms, so a deadline held only weakly is collected long before it is due.
"use strict";
setInterval(() => globalThis.gc(), 10).unref();
