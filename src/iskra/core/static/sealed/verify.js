// The record's checks in the browser, before a trustee decrypts: the counterpart of Python's
// iskra.sealed.export.verify_before_decryption (docs/sealed.md, "The export and its
// verification"), in the same order and naming the first failure the same way. A trustee's
// browser runs them (in Web Workers, see worker.js and tasks.js) so that it never turns its key
// on a board the server changed: every ballot's signature and proofs, the board's hash chain,
// the credentials, the key generation, the tally and every mix.

import { sha256 } from "../vendor/noble-curves/noble-curves.js";
import * as S from "./sealed.js";

const EXPORT_FORMAT = "iskra-sealed-export/1";
const RANKED = new Set(["ranked", "stv"]);

/** h_0 = SHA-256(str(protocol) ‖ str("board") ‖ fp). */
export function boardGenesis(fp) {
  return sha256(S.concat(S.encStr(S.PROTOCOL), S.encStr("board"), fp));
}

/** h_i = SHA-256(h_{i−1} ‖ SHA-256(canonical JSON of the entry without "hash")). */
export function boardLink(previous, entry) {
  const { hash, ...body } = entry;
  return sha256(S.concat(previous, sha256(S.canonical(body))));
}

/** The public credentials of all batches, each batch's signature checked, no repeats. */
export function checkCredentialBatches(electionData, batches) {
  const election = S.asElection(electionData);
  if (!Array.isArray(batches)) throw new S.SealedError("credentials: a list of signed batches expected");
  const caKey = S.point(election.data.credential_authority.sign_key, "credential authority");
  const seen = new Set();
  batches.forEach((b, index) => {
    const i = index + 1;
    const what = `credential batch ${i}`;
    if (b?.type !== "credentials" || b.batch !== i || !Array.isArray(b.credentials)) throw new S.SealedError(`${what}: wrong type or number`);
    const { signature, ...body } = b;
    const digest = S.hashBytes("message", S.canonical(body));
    if (!S.schnorrVerify("sig-ca", election.uctx, caKey, S.pairParse(signature, `${what} signature`), digest)) {
      throw new S.SealedError(`${what}: not signed by the credential authority`);
    }
    b.credentials.forEach((c, j) => {
      const p = S.phex(S.point(c, `${what} credential ${j + 1}`));
      if (seen.has(p)) throw new S.SealedError(`${what}: credential ${c} appears twice`);
      seen.add(p);
    });
  });
  return seen;
}

/**
 * The board's structure, as Python's Board: sequence, replays, replacements, hash chain, every
 * credential issued, the final hash. Returns the counted entries'
 * sequence numbers (the last ballot of each credential). Cheap: no proof is checked here.
 */
export function checkBoard(election, entries, credentials, boardHash) {
  if (!Array.isArray(entries)) throw new S.SealedError("export: the board must be a list");
  let head = boardGenesis(election.fp);
  const live = new Map();
  const trackers = new Set();
  entries.forEach((entry, index) => {
    let what = `board entry ${index + 1}`;
    if (entry?.seq !== index + 1) throw new S.SealedError(`${what}: sequence number ${entry?.seq} out of order`);
    const tracker = entry.tracker;
    if (typeof tracker !== "string" || typeof entry.ballot !== "object" || entry.ballot === null) {
      throw new S.SealedError(`${what}: a tracker and a ballot expected`);
    }
    if (entry.origin !== "browser" && entry.origin !== "server") throw new S.SealedError(`${what}: origin must be 'browser' or 'server'`);
    if (trackers.has(tracker)) throw new S.SealedError(`${what}: tracker ${tracker} is already on the board (a replay)`);
    const credential = entry.ballot.credential;
    if (typeof credential !== "string") throw new S.SealedError(`${what}: the ballot has no credential`);
    what = `${what} (tracker ${tracker})`;
    const previous = live.get(credential) ?? null;
    if ((entry.replaces ?? null) !== previous) {
      throw new S.SealedError(`${what}: 'replaces' must name the same credential's previous ballot (${previous})`);
    }
    const digest = boardLink(head, entry);
    if (entry.hash !== S.toHex(digest)) throw new S.SealedError(`${what}: hash chain broken`);
    if (!credentials.has(credential)) throw new S.SealedError(`${what}: its credential is not one the credential authority issued`);
    head = digest;
    trackers.add(tracker);
    live.set(credential, tracker);
  });
  if (boardHash !== S.toHex(head)) throw new S.SealedError(`final board hash ${S.toHex(head)} differs from the published one`);
  const kept = new Set(live.values());
  return entries.filter((e) => kept.has(e.tracker)).map((e) => e.seq);
}

/**
 * Every ballot's signature, proofs and tracker, for entries[start, stop) (one worker's part).
 * Returns null, or the first failure {seq, message} named as Python's verifier names it.
 * `onProgress(done)` is called every `every` ballots.
 */
export function checkEntries(electionData, entries, { start = 0, stop = entries.length, onProgress, every = 25 } = {}) {
  const election = S.asElection(electionData);
  for (let i = start; i < stop; i++) {
    const entry = entries[i];
    let message = null;
    try {
      if (S.checkBallot(election, entry.ballot) !== entry.tracker) message = "its tracker is not its ballot's hash";
    } catch (e) {
      message = e instanceof S.SealedError ? e.message : `the ballot is not in the expected format (${e.message})`;
    }
    if (message) return { seq: entry.seq, tracker: entry.tracker, message: `board entry ${entry.seq} (tracker ${entry.tracker}): ${message}` };
    if (onProgress && ((i - start + 1) % every === 0 || i + 1 === stop)) onProgress(i - start + 1);
  }
  return null;
}

/** Per question: the product of the counted ballots' ciphertexts (null for ranked ones). */
export function homomorphicTally(electionData, ballots) {
  const election = S.asElection(electionData);
  return election.questions.map((q, qi) => {
    if (RANKED.has(q.kind)) return null;
    const parse = (c) => S.ctParse(c, `question ${qi + 1}`);
    if (q.kind === "yes_no") return [S.ctJson(S.product(ballots.map((b) => parse(b.answers[qi].choice))))];
    const out = q.options.map((_, j) => S.ctJson(S.product(ballots.map((b) => parse(b.answers[qi].choices[j])))));
    if (q.kind === "approval" && q.blank) out.push(S.ctJson(S.product(ballots.map((b) => parse(b.answers[qi].blank)))));
    return out;
  });
}

/** A ranked question's chain of mixes (as Python's check_mixes); returns the last rows. */
export function checkMixes(electionData, qi, inputs, mixes, { complete = true } = {}) {
  const election = S.asElection(electionData);
  if (!Array.isArray(mixes)) throw new S.SealedError(`question ${qi + 1}: mixes must be a list`);
  const width = election.questions[qi].options.length + 1;
  let current = inputs.map((row, i) => row.map((c, k) => S.ctParse(c, `question ${qi + 1} ballot ${i + 1} [${k}]`)));
  let currentJson = inputs;
  const mixers = new Set();
  mixes.forEach((m, index) => {
    const what = `question ${qi + 1}, mix ${index + 1}`;
    if (m?.type !== "mix" || m.question !== qi || m.index !== index) throw new S.SealedError(`${what}: wrong type, question or position in the chain`);
    const trustee = m.trustee;
    if (!(Number.isInteger(trustee) && trustee >= 1 && trustee <= election.signKeys.length)) throw new S.SealedError(`${what}: no trustee ${trustee}`);
    try {
      S.checkSignature("sig-mix", election.fp, election.signKeys[trustee - 1], m, what);
    } catch {
      throw new S.SealedError(`${what}: not signed by trustee ${trustee}`);
    }
    if (!Array.isArray(m.ciphertexts) || m.ciphertexts.some((row) => !Array.isArray(row) || row.length !== width)) {
      throw new S.SealedError(`${what} ciphertexts: rows of ${width} ciphertexts expected`);
    }
    const outputs = m.ciphertexts.map((row, i) => row.map((c, k) => S.ctParse(c, `${what} ciphertexts [${i}][${k}]`)));
    if (outputs.length !== current.length) {
      throw new S.SealedError(`${what}: ${outputs.length} ciphertexts out for ${current.length} in (a ballot dropped or added)`);
    }
    if (!S.shuffleVerify(election.mixContext(qi, index), election.fp, election.y, current, outputs, m.proof ?? {}, `${what} proof`)) {
      throw new S.SealedError(`${what} by trustee ${trustee}: the proof of shuffle fails`);
    }
    mixers.add(trustee);
    current = outputs;
    currentJson = m.ciphertexts;
  });
  if (complete && mixers.size < election.k) {
    throw new S.SealedError(`question ${qi + 1}: mixed by ${mixers.size} trustee(s); at least ${election.k} must mix`);
  }
  return currentJson;
}

/**
 * The checks before the ballots' proofs: the format, the key generation and that the election
 * carries its outcome, the credential batches and their number, the board's structure.
 * Returns {election, counted: [seq], countedSet} for the steps that follow.
 */
export function checkRecordHead(record) {
  if (record?.format !== EXPORT_FORMAT) throw new S.SealedError(`not a sealed ballot export (format ${EXPORT_FORMAT})`);
  const election = S.asElection(record.election);
  const outcome = S.checkSetup(record.setup);
  for (const key of ["setup", "threshold", "trustees", "public_key"]) {
    if (S.fingerprint(outcome[key]) !== S.fingerprint(record.election[key])) {
      throw new S.SealedError(`the election's ${key} differs from the trustees' key generation`);
    }
  }
  const credentials = checkCredentialBatches(election, record.credentials);
  if (credentials.size !== record.entitled) throw new S.SealedError(`${credentials.size} credentials were issued for ${record.entitled} voters entitled`);
  const counted = checkBoard(election, record.board, credentials, record.board_hash);
  return { election, counted };
}

/**
 * The checks after the ballots' proofs: no audited ballot cast, the published tally is the
 * product of the counted ballots, every mix of every ranked question. Returns the decryption
 * list, computed here from the board and the last mixes (never taken from the server).
 */
export function checkRecordTail(record, election, countedSeqs) {
  const audited = new Set(record.audited ?? []);
  for (const e of record.board) if (audited.has(e.tracker)) throw new S.SealedError(`board entry ${e.seq}: an audited ballot was cast`);
  const seqs = new Set(countedSeqs);
  const ballots = record.board.filter((e) => seqs.has(e.seq)).map((e) => e.ballot);
  const tally = homomorphicTally(election, ballots);
  if (S.fingerprint(tally) !== S.fingerprint(record.tally)) {
    throw new S.SealedError("the published homomorphic tally is not the product of the counted ballots");
  }
  if (!Array.isArray(record.mixes) || record.mixes.length !== election.questions.length) {
    throw new S.SealedError("export: one entry in 'mixes' per question");
  }
  const mixed = {};
  election.questions.forEach((q, qi) => {
    if (RANKED.has(q.kind)) {
      const inputs = ballots.map((b) => b.answers[qi].ranking);
      mixed[qi] = checkMixes(election, qi, inputs, record.mixes[qi] ?? []);
    } else if (record.mixes[qi] !== null) {
      throw new S.SealedError(`export: question ${qi + 1} is not ranked and has no mix`);
    }
  });
  return S.decryptionList(election, ballots, mixed);
}

/** The whole check in one thread (what a worker runs when it is alone; the tests use it). */
export function checkRecord(record, { onProgress } = {}) {
  const { election, counted } = checkRecordHead(record);
  const failure = checkEntries(election, record.board, { onProgress });
  if (failure) throw new S.SealedError(failure.message);
  return checkRecordTail(record, election, counted);
}
