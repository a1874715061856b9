// A module Web Worker for the sealed pages (started by tasks.js): it runs one operation at a
// time from tasks.js's OPS and answers {id, result | error, ranIn: "worker"}, with {id, progress}
// reports on the way. It holds the prepared election between a voter's calls.

import { OPS } from "./tasks.js";

self.addEventListener("message", (event) => {
  const { id, op, args } = event.data;
  try {
    if (!Object.hasOwn(OPS, op)) throw new Error(`unknown operation ${op}`);
    const result = OPS[op](args, (progress) => self.postMessage({ id, progress }));
    self.postMessage({ id, result, ranIn: "worker" });
  } catch (e) {
    self.postMessage({ id, error: e instanceof Error ? e.message : String(e), ranIn: "worker" });
  }
});
