// The long computations of the sealed pages, run in module Web Workers (worker.js) so that the
// page stays responsive on a phone: preparing and encrypting a ballot (voters), checking the
// whole record and computing a decryption share (trustees). Where a browser cannot start a
// module worker, the same operations run on the page's own thread (the result is the same;
// only the page freezes while they run). Every secret stays in this browser: a worker is a
// thread of this page, loaded from the same origin, and posts nothing anywhere.

import * as S from "./sealed.js";
import * as V from "./verify.js";

let prepared = null;

/** The prepared election (its tables warm) when it is this one, else a fresh one. */
const electionFor = (data) => (prepared && prepared.fpHex === S.fingerprint(data) ? prepared : S.asElection(data));

/** The operations, by name: each takes plain data and returns plain data (structured clone). */
export const OPS = {
  prepare({ election }) {
    prepared = S.prepareVoting(election);
    return { ready: true };
  },
  encrypt({ election, answers, credential }) {
    const { ballot, tracker } = S.encryptBallot(electionFor(election), answers, credential);
    return { ballot, tracker };
  },
  audit({ election, answers }) {
    // Audited with a throw-away credential: an audited ballot can never be cast.
    const e = electionFor(election);
    const { ballot, audit } = S.encryptBallot(e, answers, S.newCredential());
    return { opened: S.checkAudit(e, ballot, audit), tracker: audit.tracker };
  },
  checkHead({ record }) {
    return { counted: V.checkRecordHead(record).counted };
  },
  checkEntries({ election, entries }, progress) {
    return { failure: V.checkEntries(election, entries, { onProgress: progress }) };
  },
  checkTailAndShare({ record, counted, key, trustee }) {
    const targets = V.checkRecordTail(record, S.asElection(record.election), counted);
    const share = S.keyShare(record.setup.context, key, record.setup);
    return { share: S.decryptionShare(record.election, trustee, share, targets), checked: targets.length };
  },
};

class Unavailable extends Error {}

/** One module worker; `call` answers a Promise, with progress reports on the way. */
class Helper {
  constructor() {
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.pending = new Map();
    this.next = 1;
    this.broken = false;
    this.worker.addEventListener("message", (event) => {
      const { id, progress, result, error, ranIn } = event.data;
      const call = this.pending.get(id);
      if (!call) return;
      if (progress !== undefined) return call.onProgress?.(progress);
      this.pending.delete(id);
      if (error !== undefined) call.reject(new S.SealedError(error));
      else call.resolve({ ...result, ranIn });
    });
    // A worker that cannot start (no module workers, a blocked script): every call fails over.
    this.worker.addEventListener("error", (event) => {
      event.preventDefault?.();
      this.broken = true;
      for (const call of this.pending.values()) call.reject(new Unavailable("the worker could not start"));
      this.pending.clear();
    });
  }

  call(op, args, onProgress) {
    if (this.broken) return Promise.reject(new Unavailable("the worker could not start"));
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, op, args });
    });
  }

  close() {
    this.worker.terminate();
  }
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The same operation on the page's own thread (after letting the page paint its status). */
async function local(op, args, onProgress) {
  await pause();
  return { ...OPS[op](args, onProgress), ranIn: "page" };
}

function newHelper() {
  if (typeof Worker !== "function") return null;
  try {
    return new Helper();
  } catch {
    return null;
  }
}

/**
 * A voter's helper: `run(op, args)` runs in a worker started at once (it starts preparing while
 * the voter reads), or on the page if there is none. The answer carries `ranIn`.
 */
export function voterHelper() {
  let helper = newHelper();
  return {
    async run(op, args) {
      if (helper) {
        try {
          return await helper.call(op, args);
        } catch (e) {
          if (!(e instanceof Unavailable)) throw e;
          helper = null;
        }
      }
      return local(op, args);
    },
  };
}

/**
 * A trustee's check of the whole record, then their decryption share. The ballots are checked
 * by `workers` workers at once (default: one per core, at most 8; one part of the board each);
 * `say(text)` reports each step and the count of ballots checked. Throws SealedError naming the
 * first thing that fails, before anything is computed with the key.
 */
export async function checkAndDecrypt(record, key, trustee, say, { workers } = {}) {
  const count = Math.max(1, Math.min(workers ?? navigator.hardwareConcurrency ?? 2, 8, Math.ceil(record.board.length / 50)));
  const helpers = [];
  for (let i = 0; i < count; i++) {
    const h = newHelper();
    if (h) helpers.push(h);
  }
  const run = async (i, op, args, onProgress) => {
    if (helpers[i] && !helpers[i].broken) {
      try {
        return await helpers[i].call(op, args, onProgress);
      } catch (e) {
        if (!(e instanceof Unavailable)) throw e;
      }
    }
    return local(op, args, onProgress);
  };
  try {
    say("Checking the key generation, the credentials and the board's hash chain…");
    const head = await run(0, "checkHead", { record });
    const total = record.board.length;
    const done = new Array(count).fill(0);
    const fmt = (n) => n.toLocaleString("en-GB").replace(/,/g, " ");
    // The status line is a live region: a new count at most every second, not at every report.
    let said = 0;
    const report = () => {
      if (performance.now() - said < 1000) return;
      said = performance.now();
      say(`Checking every ballot's signature and proofs: ${fmt(done.reduce((a, b) => a + b, 0))} of ${fmt(total)} ballots checked…`);
    };
    report();
    const size = Math.ceil(total / count);
    const parts = await Promise.all(
      [...Array(count).keys()].map((i) => {
        const entries = record.board.slice(i * size, (i + 1) * size);
        if (!entries.length) return { failure: null, ranIn: head.ranIn };
        const onProgress = (n) => {
          done[i] = n;
          report();
        };
        if (helpers[i] && !helpers[i].broken) return run(i, "checkEntries", { election: record.election, entries }, onProgress);
        return checkLocally(record.election, entries, onProgress);
      }),
    );
    const ranIn = [head, ...parts].every((p) => p.ranIn === "worker") ? "worker" : "page";
    const failures = parts.map((p) => p.failure).filter(Boolean);
    if (failures.length) {
      // The first failing ballot on the board (each part stops at its own first failure).
      const first = failures.reduce((a, b) => (b.seq < a.seq ? b : a));
      throw Object.assign(new S.SealedError(`the record fails its check, so your key was not used: ${first.message}`), { ranIn });
    }
    say(`All ${fmt(total)} ballots checked. Checking the tally and the shuffles, and computing your share…`);
    const tail = await run(0, "checkTailAndShare", { record, counted: head.counted, key, trustee });
    return { share: tail.share, ranIn: ranIn === "worker" && tail.ranIn === "worker" ? "worker" : "page", workers: helpers.length };
  } finally {
    for (const h of helpers) h.close();
  }
}

/** Ballots checked on the page's thread, a few at a time so that the page can show progress. */
async function checkLocally(election, entries, onProgress) {
  const parsed = S.asElection(election);
  for (let start = 0; start < entries.length; start += 25) {
    await pause();
    const failure = V.checkEntries(parsed, entries, { start, stop: Math.min(start + 25, entries.length) });
    if (failure) return { failure, ranIn: "page" };
    onProgress(Math.min(start + 25, entries.length));
  }
  return { failure: null, ranIn: "page" };
}
