// Sealed ballots in the browser: the counterpart of the Python package iskra.sealed.
//
// The specification is docs/sealed.md; every format here is byte for byte the one the Python
// code writes and checks (tests/sealed/test_js.py runs both against each other). The group is
// ristretto255 from the vendored @noble/curves build; no curve arithmetic is written here, only
// arithmetic modulo the group order and the protocols of the specification.

import { ristretto255, ristretto255_hasher, sha256, sha512 } from "../vendor/noble-curves/noble-curves.js";

const Point = ristretto255.Point;
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
export const PROTOCOL = "iskra-sealed/1";
export const RADIX = 2 ** 32;
export const ZERO = Point.ZERO;
export const G = Point.BASE;
const RANKED = new Set(["ranked", "stv"]);
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const utf8 = new TextEncoder();

export class SealedError extends Error {}

// Bytes, hex, canonical JSON -----------------------------------------------------------------

export function toHex(bytes) {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function fromHex(hex, size, what) {
  if (typeof hex !== "string" || (size && hex.length !== 2 * size) || !/^([0-9a-f]{2})*$/.test(hex)) {
    throw new SealedError(`${what}: expected ${size ? 2 * size : "an even number of"} lowercase hex digits`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concat(...parts) {
  const size = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(n) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function u64(n) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

export function encStr(text) {
  const raw = utf8.encode(text);
  return concat(u32(raw.length), raw);
}

/** Canonical JSON (RFC 8785 restricted to integers and ASCII keys), as Python's canonical(). */
export function canonical(value) {
  return utf8.encode(canonicalText(value));
}

function canonicalText(value) {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new SealedError("canonical JSON has integers only");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return "[" + value.map(canonicalText).join(",") + "]";
  const keys = Object.keys(value).sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalText(value[k])).join(",") + "}";
}

export function fingerprint(value) {
  return toHex(sha256(canonical(value)));
}

function b64url(bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// Scalars and points ---------------------------------------------------------------------------

export const mod = (a) => ((BigInt(a) % L) + L) % L;

function leToBig(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

export function scalarBytes(s) {
  let n = mod(s);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

export const hexs = (s) => toHex(scalarBytes(s));

export function scalar(hex, what) {
  const s = leToBig(fromHex(hex, 32, what));
  if (s >= L) throw new SealedError(`${what}: not a canonical scalar`);
  return s;
}

export function point(hex, what) {
  const raw = fromHex(hex, 32, what);
  let p;
  try {
    p = Point.fromBytes(raw);
  } catch {
    throw new SealedError(`${what}: not a valid ristretto255 group element`);
  }
  if (p.is0()) throw new SealedError(`${what}: the identity element is not allowed`);
  encodings.set(p, raw);
  return p;
}

// A point's encoding costs an inverse square root: computed once per point object.
const encodings = new WeakMap();
export function pbytes(p) {
  let raw = encodings.get(p);
  if (!raw) {
    raw = p.toBytes();
    encodings.set(p, raw);
  }
  return raw;
}
export const phex = (p) => toHex(pbytes(p));

export function randomScalar() {
  for (;;) {
    const s = leToBig(crypto.getRandomValues(new Uint8Array(64))) % L;
    if (s !== 0n) return s;
  }
}

export function base(s) {
  s = mod(s);
  return s === 0n ? ZERO : G.multiply(s);
}

// g^m for the few plaintext values the proofs use (public values, so a cache is safe).
const smallPowers = new Map();
function gTo(m) {
  const key = BigInt(m);
  if (!smallPowers.has(key)) smallPowers.set(key, base(key));
  return smallPowers.get(key);
}

export function mul(s, p) {
  s = mod(s);
  return s === 0n || p.is0() ? ZERO : p.multiply(s);
}

/** g^s and s·P for public s and P only (a verifier's work): not constant-time, and faster. */
export function pbase(s) {
  s = mod(s);
  return s === 0n ? ZERO : G.multiplyUnsafe(s);
}

export function pmul(s, p) {
  s = mod(s);
  return s === 0n || p.is0() ? ZERO : p.multiplyUnsafe(s);
}

// Hashing (docs/sealed.md, "Hashing") ----------------------------------------------------------

function encodeItems(items) {
  const parts = [encStr(PROTOCOL)];
  for (const item of items) {
    if (item instanceof Uint8Array) parts.push(item);
    else if (typeof item === "string") parts.push(encStr(item));
    else if (typeof item === "number" || typeof item === "bigint") parts.push(u64(item));
    else if (item && typeof item.toBytes === "function") parts.push(pbytes(item));
    else throw new Error("cannot hash this item");
  }
  return concat(...parts);
}

export function hashBytes(label, ...items) {
  return sha512(encodeItems([label, ...items]));
}

export function hashToScalar(label, ...items) {
  return leToBig(hashBytes(label, ...items)) % L;
}

export function hashToPoint(label, ...items) {
  return ristretto255_hasher.deriveToCurve(hashBytes(label, ...items));
}

// ElGamal and Σ-proofs (Belenios conventions: A = g^r · X^c, r = w − c·x) ----------------------

export function encrypt(y, m, r) {
  return [base(r), base(m).add(mul(r, y))];
}

export const ctJson = (c) => [phex(c[0]), phex(c[1])];
export const ctParse = (v, what) => {
  if (!Array.isArray(v) || v.length !== 2) throw new SealedError(`${what}: a ciphertext is [alpha, beta]`);
  return [point(v[0], `${what} alpha`), point(v[1], `${what} beta`)];
};
const pairJson = (p) => [hexs(p[0]), hexs(p[1])];
export const pairParse = (v, what) => {
  if (!Array.isArray(v) || v.length !== 2) throw new SealedError(`${what}: a proof is [challenge, response]`);
  return [scalar(v[0], `${what} challenge`), scalar(v[1], `${what} response`)];
};
const ctMul = (a, b) => [a[0].add(b[0]), a[1].add(b[1])];
const ctPow = (a, k) => [mul(k, a[0]), mul(k, a[1])];

export function schnorrProve(label, context, x, message = new Uint8Array(0)) {
  const X = base(x);
  const w = randomScalar();
  const c = hashToScalar(label, context, X, base(w), message);
  return [c, mod(w - c * x)];
}

export function schnorrVerify(label, context, X, [c, r], message = new Uint8Array(0)) {
  const A = pbase(r).add(pmul(c, X));
  return hashToScalar(label, context, X, A, message) === c;
}

export function cpProve(label, context, x, A) {
  const X = base(x);
  const D = mul(x, A);
  const w = randomScalar();
  const c = hashToScalar(label, context, X, A, D, base(w), mul(w, A));
  return [D, [c, mod(w - c * x)]];
}

export function cpVerify(label, context, X, A, D, [c, r]) {
  const C1 = pbase(r).add(pmul(c, X));
  const C2 = pmul(r, A).add(pmul(c, D));
  return hashToScalar(label, context, X, A, D, C1, C2) === c;
}

function cdsHash(context, y, ct, values, commits) {
  return hashToScalar("cds", context, y, ct[0], ct[1], values.length, ...values, ...commits);
}

export function cdsProve(context, y, ct, r, values, index) {
  const [alpha, beta] = ct;
  const pairs = values.map(() => [0n, 0n]);
  const commits = [];
  const w = randomScalar();
  values.forEach((m, i) => {
    if (i === index) {
      commits.push(base(w), mul(w, y));
    } else {
      const ci = randomScalar();
      const ri = randomScalar();
      pairs[i] = [ci, ri];
      commits.push(base(ri).add(mul(ci, alpha)), mul(ri, y).add(mul(ci, beta.subtract(gTo(m)))));
    }
  });
  const total = cdsHash(context, y, ct, values, commits);
  const cj = mod(total - pairs.reduce((s, p) => s + p[0], 0n));
  pairs[index] = [cj, mod(w - cj * r)];
  return pairs;
}

export function cdsVerify(context, y, ct, values, proof) {
  if (proof.length !== values.length) return false;
  const [alpha, beta] = ct;
  const commits = [];
  values.forEach((m, i) => {
    const [ci, ri] = proof[i];
    commits.push(pbase(ri).add(pmul(ci, alpha)), mul(ri, y).add(pmul(ci, beta.subtract(gTo(m)))));
  });
  return cdsHash(context, y, ct, values, commits) === mod(proof.reduce((s, p) => s + p[0], 0n));
}

// Proof of shuffle (Haenni et al. 2017, Algorithms 4.4/4.5; width w as in Verificatum) ---------

const generatorCache = new Map();

export function generators(fp, count) {
  const key = toHex(fp);
  if (!generatorCache.has(key)) generatorCache.set(key, []);
  const known = generatorCache.get(key);
  while (known.length < count) {
    const p = hashToPoint("generator", fp, known.length);
    // h = h_0 is used for every element of the commitment chain: precompute its multiples.
    if (known.length === 0) p.precompute?.(8);
    known.push(p);
  }
  return known.slice(0, count);
}

function shuffleSeed(context, y, inputs, outputs, commits) {
  const width = inputs.length ? inputs[0].length : 0;
  const pts = (rows) => rows.flatMap((row) => row.flatMap((c) => [c[0], c[1]]));
  return hashBytes("shuffle-seed", context, y, inputs.length, width, ...pts(inputs), ...pts(outputs), ...commits);
}

export function randomPermutation(n) {
  const psi = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Number(leToBig(crypto.getRandomValues(new Uint8Array(8))) % BigInt(i + 1));
    [psi[i], psi[j]] = [psi[j], psi[i]];
  }
  return psi;
}

/**
 * Shuffle rows of ciphertexts: output i is input psi[i] re-encrypted with randomness[i].
 * With `trivial` (a list of public values m_i: input i is (1, g^m_i)), the products over the
 * outputs in t4 are computed from the witness (the same values, fewer multiplications).
 */
export function shuffle(context, fp, y, inputs, { psi, randomness, trivial } = {}) {
  const n = inputs.length;
  const width = n ? inputs[0].length : 0;
  psi = psi ?? randomPermutation(n);
  randomness = randomness ?? inputs.map(() => inputs[0].map(() => randomScalar()));
  const outputs = psi.map((j, i) =>
    inputs[j].map((c, k) => [c[0].add(base(randomness[i][k])), c[1].add(mul(randomness[i][k], y))]),
  );
  const gens = generators(fp, n + 1);
  const h = gens[0];
  const hs = gens.slice(1);
  const r = inputs.map(() => randomScalar());
  const commits = new Array(n);
  psi.forEach((j, i) => {
    commits[j] = base(r[j]).add(hs[i]);
  });
  const seed = shuffleSeed(context, y, inputs, outputs, commits);
  const u = [...Array(n).keys()].map((i) => hashToScalar("shuffle-u", context, seed, i));
  const up = psi.map((j) => u[j]);
  const rHat = inputs.map(() => randomScalar());
  // ĉ_i = g^{r̂_i} ĉ_{i−1}^{u'_i}; the prover knows ĉ_i = g^{R_i} h^{U_i} and computes it so
  // (the same point, with g and h both precomputed).
  const chain = [];
  const chainR = [0n];
  const chainU = [1n];
  for (let i = 0; i < n; i++) {
    chainR.push(mod(rHat[i] + up[i] * chainR[i]));
    chainU.push(mod(up[i] * chainU[i]));
    chain.push(base(chainR[i + 1]).add(mul(chainU[i + 1], h)));
  }
  const rBar = mod(r.reduce((a, b) => a + b, 0n));
  const v = new Array(n).fill(1n);
  for (let i = n - 2; i >= 0; i--) v[i] = mod(up[i + 1] * v[i + 1]);
  const rHatSum = mod(rHat.reduce((s, x, i) => s + x * v[i], 0n));
  const rTilde = mod(r.reduce((s, x, i) => s + x * u[i], 0n));
  const rPrime = [...Array(width).keys()].map((k) => mod(randomness.reduce((s, ri, i) => s + ri[k] * up[i], 0n)));
  const w1 = randomScalar();
  const w2 = randomScalar();
  const w3 = randomScalar();
  const w4 = [...Array(width)].map(() => randomScalar());
  const wHat = inputs.map(() => randomScalar());
  const wP = inputs.map(() => randomScalar());
  const t1 = base(w1);
  const t2 = base(w2);
  let t3 = base(w3);
  for (let i = 0; i < n; i++) t3 = t3.add(mul(wP[i], hs[i]));
  const t4 = [];
  for (let k = 0; k < width; k++) {
    if (trivial) {
      // α'_i = g^{r'_i}, β'_i = g^{m_ψ(i)} y^{r'_i}: Π α'^ω' = g^{Σ r'ω'}, Π β'^ω' = g^{Σ mω'} y^{Σ r'ω'}.
      const rw = mod(wP.reduce((s, x, i) => s + x * randomness[i][k], 0n));
      const mw = mod(wP.reduce((s, x, i) => s + x * BigInt(trivial[psi[i]]), 0n));
      t4.push([base(rw - w4[k]), base(mw).add(mul(rw - w4[k], y))]);
    } else {
      let ta = base(-w4[k]);
      let tb = mul(-w4[k], y);
      for (let i = 0; i < n; i++) {
        ta = ta.add(mul(wP[i], outputs[i][k][0]));
        tb = tb.add(mul(wP[i], outputs[i][k][1]));
      }
      t4.push([ta, tb]);
    }
  }
  // t̂_i = g^{ω̂_i} ĉ_{i−1}^{ω'_i} = g^{ω̂_i + ω'_i R_{i−1}} h^{ω'_i U_{i−1}}.
  const tHat = [];
  for (let i = 0; i < n; i++) {
    tHat.push(base(wHat[i] + wP[i] * chainR[i]).add(mul(wP[i] * chainU[i], h)));
  }
  const c = hashToScalar("shuffle-challenge", context, seed, ...chain, t1, t2, t3, ...t4.flat(), ...tHat);
  const proof = {
    commitments: commits.map(phex),
    chain: chain.map(phex),
    t1: phex(t1),
    t2: phex(t2),
    t3: phex(t3),
    t4: t4.map(ctJson),
    t_hat: tHat.map(phex),
    s1: hexs(w1 + c * rBar),
    s2: hexs(w2 + c * rHatSum),
    s3: hexs(w3 + c * rTilde),
    s4: w4.map((x, k) => hexs(x + c * rPrime[k])),
    s_hat: wHat.map((x, i) => hexs(x + c * rHat[i])),
    s_prime: wP.map((x, i) => hexs(x + c * up[i])),
  };
  return { outputs, proof };
}

export function shuffleVerify(context, fp, y, inputs, outputs, proof, what = "proof of shuffle", trivial = null) {
  const n = inputs.length;
  if (outputs.length !== n) return false;
  const width = n ? inputs[0].length : 0;
  const list = (key, count) => {
    if (!Array.isArray(proof[key]) || proof[key].length !== count) throw new SealedError(`${what}: ${key} must list ${count}`);
    return proof[key];
  };
  const commits = list("commitments", n).map((p, i) => point(p, `${what} commitments[${i}]`));
  const chain = list("chain", n).map((p, i) => point(p, `${what} chain[${i}]`));
  const t1 = point(proof.t1, `${what} t1`);
  const t2 = point(proof.t2, `${what} t2`);
  const t3 = point(proof.t3, `${what} t3`);
  const t4 = list("t4", width).map((t, k) => ctParse(t, `${what} t4[${k}]`));
  const tHat = list("t_hat", n).map((p, i) => point(p, `${what} t_hat[${i}]`));
  const s1 = scalar(proof.s1, `${what} s1`);
  const s2 = scalar(proof.s2, `${what} s2`);
  const s3 = scalar(proof.s3, `${what} s3`);
  const s4 = list("s4", width).map((s, k) => scalar(s, `${what} s4[${k}]`));
  const sHat = list("s_hat", n).map((s, i) => scalar(s, `${what} s_hat[${i}]`));
  const sP = list("s_prime", n).map((s, i) => scalar(s, `${what} s_prime[${i}]`));
  if (n === 0) return true;
  const gens = generators(fp, n + 1);
  const h = gens[0];
  const hs = gens.slice(1);
  const seed = shuffleSeed(context, y, inputs, outputs, commits);
  const u = [...Array(n).keys()].map((i) => hashToScalar("shuffle-u", context, seed, i));
  const c = hashToScalar("shuffle-challenge", context, seed, ...chain, t1, t2, t3, ...t4.flat(), ...tHat);
  let cBar = ZERO;
  for (let i = 0; i < n; i++) cBar = cBar.add(commits[i].subtract(hs[i]));
  const uProd = u.reduce((a, b) => mod(a * b), 1n);
  const cHat = chain[n - 1].subtract(pmul(uProd, h));
  let cTilde = ZERO;
  for (let i = 0; i < n; i++) cTilde = cTilde.add(pmul(u[i], commits[i]));
  const eBar = [];
  if (trivial) {
    eBar.push([ZERO, pbase(trivial.reduce((s, m, i) => s + BigInt(m) * u[i], 0n))]);
  } else {
    for (let k = 0; k < width; k++) {
      let a = ZERO;
      let b = ZERO;
      for (let i = 0; i < n; i++) {
        a = a.add(pmul(u[i], inputs[i][k][0]));
        b = b.add(pmul(u[i], inputs[i][k][1]));
      }
      eBar.push([a, b]);
    }
  }
  if (!pmul(-c, cBar).add(pbase(s1)).equals(t1)) return false;
  if (!pmul(-c, cHat).add(pbase(s2)).equals(t2)) return false;
  let t3c = pmul(-c, cTilde).add(pbase(s3));
  for (let i = 0; i < n; i++) t3c = t3c.add(pmul(sP[i], hs[i]));
  if (!t3c.equals(t3)) return false;
  for (let k = 0; k < width; k++) {
    let a = pmul(-c, eBar[k][0]).add(pbase(-s4[k]));
    let b = pmul(-c, eBar[k][1]).add(pmul(-s4[k], y));
    for (let i = 0; i < n; i++) {
      a = a.add(pmul(sP[i], outputs[i][k][0]));
      b = b.add(pmul(sP[i], outputs[i][k][1]));
    }
    if (!a.equals(t4[k][0]) || !b.equals(t4[k][1])) return false;
  }
  let previous = h;
  for (let i = 0; i < n; i++) {
    const check = pmul(-c, chain[i]).add(pbase(sHat[i])).add(pmul(sP[i], previous));
    if (!check.equals(tHat[i])) return false;
    previous = chain[i];
  }
  return true;
}

// Election parameters --------------------------------------------------------------------------

export function uuidContext(uuid) {
  return sha256(concat(encStr(PROTOCOL), encStr("election"), encStr(uuid)));
}

export class Election {
  constructor(data) {
    if (data.format !== "iskra-sealed-election/1") throw new SealedError("election: unknown format");
    this.data = data;
    this.uuid = data.uuid;
    this.fp = sha256(canonical(data));
    this.fpHex = toHex(this.fp);
    this.uctx = uuidContext(data.uuid);
    this.questions = data.questions;
    this.y = point(data.public_key, "election public key");
    // Prepared when the voting page loads, while the voter reads the questions: tables of
    // multiples of g and y, and the generators a ranked question's proof uses.
    this.y.precompute?.(8);
    G.multiply(1n);
    const widest = Math.max(0, ...data.questions.filter((q) => RANKED.has(q.kind)).map((q) => q.options.length + 2));
    if (widest) generators(this.fp, widest);
    this.k = data.threshold;
    this.vks = data.trustees.map((t) => point(t.verification_key, `trustee ${t.id}`));
    this.signKeys = data.trustees.map((t) => point(t.sign_key, `trustee ${t.id}`));
  }

  context(credential, role) {
    return concat(this.fp, pbytes(credential), encStr(role));
  }

  mixContext(question, index) {
    return concat(this.fp, new Uint8Array(32), encStr(`mix/q${question}/${index}`));
  }
}

export const asElection = (e) => (e instanceof Election ? e : new Election(e));

/**
 * What the voting page calls on load, while the voter reads the questions: the election's
 * tables, then one rehearsal — a blank ballot encrypted with a throw-away credential and
 * discarded — so that the ballot the voter casts runs on warm code.
 */
export function prepareVoting(electionData) {
  const election = asElection(electionData);
  const blank = election.questions.map((q) => (q.blank ? null : q.kind === "yes_no" || q.kind === "choose_one" ? 0 : [0]));
  encryptBallot(election, blank, newCredential());
  return election;
}

// Credentials ----------------------------------------------------------------------------------

export function normaliseCredential(text) {
  let s = text.replace(/[\s-]/g, "").toUpperCase();
  s = s.replace(/O/g, "0").replace(/[IL]/g, "1");
  if (s.length !== 20 || [...s].some((ch) => !ALPHABET.includes(ch))) {
    throw new SealedError("That is not a voting credential: it has 20 letters and digits.");
  }
  return s;
}

export function credentialSecret(uuid, credential) {
  return hashToScalar("credential", uuidContext(uuid), normaliseCredential(credential)) || 1n;
}

export function credentialPublic(uuid, credential) {
  return phex(base(credentialSecret(uuid, credential)));
}

export function newCredential() {
  const raw = [...Array(20)].map(() => ALPHABET[crypto.getRandomValues(new Uint8Array(1))[0] & 31]).join("");
  return raw.match(/.{5}/g).join("-");
}

export function newCaKey(uuid) {
  return { format: "iskra-sealed-ca-key/1", uuid, seed: toHex(crypto.getRandomValues(new Uint8Array(32))) };
}

function caSecret(key) {
  if (key.format !== "iskra-sealed-ca-key/1") throw new SealedError("not a credential authority key");
  return hashToScalar("ca-sign", uuidContext(key.uuid), fromHex(key.seed, 32, "seed")) || 1n;
}

export function caPublic(key, name) {
  return { name, sign_key: phex(base(caSecret(key))) };
}

/** `count` secret credentials and the signed batch of their public keys (for the server). */
export function generateCredentials(caKey, count, batch = 1) {
  const secrets = [...Array(count)].map(() => newCredential());
  const publics = secrets.map((c) => credentialPublic(caKey.uuid, c)).sort();
  const message = { type: "credentials", batch, credentials: publics };
  const digest = hashBytes("message", canonical(message));
  const signature = pairJson(schnorrProve("sig-ca", uuidContext(caKey.uuid), caSecret(caKey), digest));
  return { secrets, batch: { ...message, signature } };
}

// Ballots --------------------------------------------------------------------------------------

function yesNoValues(q) {
  return q.blank ? [0, 1, RADIX] : [1, RADIX];
}

function overallValues(q) {
  if (q.kind === "choose_one") return q.blank ? [0, 1] : [1];
  return [...Array(q.max_choices).keys()].map((i) => i + 1);
}

export function checkAnswer(q, answer, index) {
  const what = `Question ${index + 1}`;
  const n = q.options.length;
  if (answer === null || answer === undefined || (Array.isArray(answer) && answer.length === 0)) {
    if (!q.blank) throw new SealedError(`${what} must be answered.`);
    return null;
  }
  const isOption = (a) => Number.isInteger(a) && a >= 0 && a < n;
  if (q.kind === "yes_no" || q.kind === "choose_one") {
    if (!isOption(answer)) throw new SealedError(`${what}: choose one of the options.`);
    return answer;
  }
  if (!Array.isArray(answer) || !answer.every(isOption)) throw new SealedError(`${what}: that answer does not fit the question.`);
  if (new Set(answer).size !== answer.length) throw new SealedError(`${what}: each option can be chosen only once.`);
  if (q.kind === "approval" && answer.length > q.max_choices) throw new SealedError(`${what}: choose at most ${q.max_choices}.`);
  return [...answer];
}

export function rankingValues(n, ranking) {
  const ranked = ranking ?? [];
  const rest = [...Array(n).keys()].filter((c) => !ranked.includes(c));
  return [...ranked.map((c) => c + 1), 0, ...rest.map((c) => c + 1)];
}

export function product(cts) {
  return cts.reduce((acc, c) => ctMul(acc, c), [ZERO, ZERO]);
}

function encryptAnswer(election, cred, qi, q, answer) {
  const y = election.y;
  const ctx = (role) => election.context(cred, role);
  if (q.kind === "yes_no") {
    const values = yesNoValues(q);
    const m = answer === null ? 0 : answer === 0 ? 1 : RADIX;
    const r = randomScalar();
    const c = encrypt(y, m, r);
    const proof = cdsProve(ctx(`q${qi}`), y, c, r, values, values.indexOf(m));
    return [{ choice: ctJson(c), proof: proof.map(pairJson) }, [r]];
  }
  if (RANKED.has(q.kind)) {
    const n = q.options.length;
    const values = rankingValues(n, answer);
    const rs = values.map(() => randomScalar());
    const trivialValues = [...Array(n + 1).keys()];
    const inputs = trivialValues.map((v) => [[ZERO, base(v)]]);
    const { outputs, proof } = shuffle(ctx(`q${qi}/ranking`), election.fp, y, inputs, {
      psi: values,
      randomness: rs.map((r) => [r]),
      trivial: trivialValues,
    });
    return [{ ranking: outputs.map((row) => ctJson(row[0])), proof }, rs];
  }
  const chosen = new Set(q.kind === "choose_one" ? (answer === null ? [] : [answer]) : answer ?? []);
  const cts = [];
  const rs = [];
  const proofs = [];
  q.options.forEach((_, j) => {
    const m = chosen.has(j) ? 1 : 0;
    const r = randomScalar();
    const c = encrypt(y, m, r);
    cts.push(c);
    rs.push(r);
    proofs.push(cdsProve(ctx(`q${qi}/c${j}`), y, c, r, [0, 1], m).map(pairJson));
  });
  const out = { choices: cts.map(ctJson), proofs };
  let totalC = product(cts);
  let totalR = rs.reduce((a, b) => a + b, 0n);
  let totalM = chosen.size;
  if (q.kind === "approval" && q.blank) {
    const b = chosen.size === 0 ? 1 : 0;
    const rb = randomScalar();
    const cb = encrypt(y, b, rb);
    out.blank = ctJson(cb);
    out.blank_proof = cdsProve(ctx(`q${qi}/blank`), y, cb, rb, [0, 1], b).map(pairJson);
    const k = q.max_choices;
    totalC = ctMul(totalC, ctPow(cb, BigInt(k)));
    totalR += BigInt(k) * rb;
    totalM += k * b;
    rs.push(rb);
  }
  const values = overallValues(q);
  out.overall = cdsProve(ctx(`q${qi}/overall`), y, totalC, mod(totalR), values, values.indexOf(totalM)).map(pairJson);
  return [out, rs];
}

/**
 * Encrypt, prove and sign a ballot. Returns {ballot, tracker, audit}: keep `audit` only to
 * audit this ballot (Benaloh) — an audited ballot is never cast; encrypt afresh to vote.
 */
export function encryptBallot(electionData, answers, credential) {
  const election = asElection(electionData);
  if (!Array.isArray(answers) || answers.length !== election.questions.length) {
    throw new SealedError(`Answer all ${election.questions.length} questions (or leave them blank).`);
  }
  const checked = answers.map((a, i) => checkAnswer(election.questions[i], a, i));
  const secret = credentialSecret(election.uuid, credential);
  const cred = base(secret);
  const parts = election.questions.map((q, i) => encryptAnswer(election, cred, i, q, checked[i]));
  const body = { election: election.fpHex, credential: phex(cred), answers: parts.map((p) => p[0]) };
  const digest = hashBytes("message", canonical(body));
  const ballot = { ...body, signature: pairJson(schnorrProve("sig-ballot", election.fp, secret, digest)) };
  const t = tracker(ballot);
  return { ballot, tracker: t, audit: { tracker: t, answers: checked, randomness: parts.map((p) => p[1].map(hexs)) } };
}

export function tracker(ballot) {
  return b64url(sha256(canonical(ballot)));
}

function checkAnswerProofs(election, cred, qi, q, a) {
  const y = election.y;
  const ctx = (role) => election.context(cred, role);
  const what = `question ${qi + 1}`;
  const n = q.options.length;
  const pairs = (v, count, w) => {
    if (!Array.isArray(v) || v.length !== count) throw new SealedError(`${w}: expected ${count} pairs`);
    return v.map((p, i) => pairParse(p, `${w} [${i}]`));
  };
  if (q.kind === "yes_no") {
    const values = yesNoValues(q);
    if (!cdsVerify(ctx(`q${qi}`), y, ctParse(a.choice, what), values, pairs(a.proof, values.length, what))) {
      throw new SealedError(`${what}: the proof that the answer is a valid choice fails`);
    }
    return;
  }
  if (RANKED.has(q.kind)) {
    if (!Array.isArray(a.ranking) || a.ranking.length !== n + 1) throw new SealedError(`${what}: a ranking has ${n + 1} ciphertexts`);
    const rows = a.ranking.map((c, i) => [ctParse(c, `${what} ranking [${i}]`)]);
    const values = [...Array(n + 1).keys()];
    const inputs = values.map((v) => [[ZERO, base(v)]]);
    if (!shuffleVerify(ctx(`q${qi}/ranking`), election.fp, y, inputs, rows, a.proof, `${what} proof`, values)) {
      throw new SealedError(`${what}: the proof that the ranking is valid fails`);
    }
    return;
  }
  if (!Array.isArray(a.choices) || a.choices.length !== n) throw new SealedError(`${what}: expected ${n} choices`);
  const cts = a.choices.map((c, j) => ctParse(c, `${what} choice ${j + 1}`));
  cts.forEach((c, j) => {
    if (!cdsVerify(ctx(`q${qi}/c${j}`), y, c, [0, 1], pairs(a.proofs?.[j], 2, `${what} proof ${j + 1}`))) {
      throw new SealedError(`${what}: the proof for option ${j + 1} (0 or 1) fails`);
    }
  });
  let total = product(cts);
  if (q.kind === "approval" && q.blank) {
    const cb = ctParse(a.blank, `${what} blank`);
    if (!cdsVerify(ctx(`q${qi}/blank`), y, cb, [0, 1], pairs(a.blank_proof, 2, `${what} blank proof`))) {
      throw new SealedError(`${what}: the proof for the blank mark (0 or 1) fails`);
    }
    total = ctMul(total, ctPow(cb, BigInt(q.max_choices)));
  }
  const values = overallValues(q);
  if (!cdsVerify(ctx(`q${qi}/overall`), y, total, values, pairs(a.overall, values.length, `${what} overall proof`))) {
    throw new SealedError(`${what}: the proof that the number of choices is allowed fails`);
  }
}

/** Check a ballot's signature and proofs (not its credential's place on the roll). */
export function checkBallot(electionData, ballot) {
  const election = asElection(electionData);
  const keys = Object.keys(ballot).sort().join(",");
  if (keys !== "answers,credential,election,signature") throw new SealedError("ballot: unexpected fields");
  if (ballot.election !== election.fpHex) throw new SealedError("ballot: made for another election");
  const cred = point(ballot.credential, "ballot credential");
  const { signature, ...body } = ballot;
  const digest = hashBytes("message", canonical(body));
  if (!schnorrVerify("sig-ballot", election.fp, cred, pairParse(signature, "ballot signature"), digest)) {
    throw new SealedError("ballot: the signature with the voter's credential does not verify");
  }
  if (!Array.isArray(ballot.answers) || ballot.answers.length !== election.questions.length) {
    throw new SealedError("ballot: one answer per question expected");
  }
  election.questions.forEach((q, qi) => checkAnswerProofs(election, cred, qi, q, ballot.answers[qi]));
  return tracker(ballot);
}

/** Benaloh's audit: the ballot holds exactly the revealed answers under the revealed randomness. */
export function checkAudit(electionData, ballot, audit) {
  const election = asElection(electionData);
  checkBallot(election, ballot);
  const y = election.y;
  election.questions.forEach((q, qi) => {
    const a = checkAnswer(q, audit.answers[qi], qi);
    const rs = audit.randomness[qi].map((r) => scalar(r, "audit randomness"));
    const enc = ballot.answers[qi];
    let expected;
    let found;
    if (q.kind === "yes_no") {
      expected = [encrypt(y, a === null ? 0 : a === 0 ? 1 : RADIX, rs[0])];
      found = [ctParse(enc.choice, "choice")];
    } else if (RANKED.has(q.kind)) {
      expected = rankingValues(q.options.length, a).map((v, i) => encrypt(y, v, rs[i]));
      found = enc.ranking.map((c) => ctParse(c, "ranking"));
    } else {
      const chosen = new Set(q.kind === "choose_one" ? (a === null ? [] : [a]) : a ?? []);
      expected = q.options.map((_, j) => encrypt(y, chosen.has(j) ? 1 : 0, rs[j]));
      found = enc.choices.map((c) => ctParse(c, "choice"));
      if (q.kind === "approval" && q.blank) {
        expected.push(encrypt(y, chosen.size ? 0 : 1, rs[rs.length - 1]));
        found.push(ctParse(enc.blank, "blank"));
      }
    }
    if (expected.length !== found.length || expected.some((c, i) => !c[0].equals(found[i][0]) || !c[1].equals(found[i][1]))) {
      throw new SealedError(`audit: question ${qi + 1} does not hold the revealed answer`);
    }
  });
  return audit.answers;
}

// Trustees -------------------------------------------------------------------------------------

export function setupFingerprint(context) {
  return sha256(canonical(context));
}

export function newTrusteeKey(context, trustee) {
  return {
    format: "iskra-sealed-trustee-key/1",
    setup: toHex(setupFingerprint(context)),
    trustee,
    seed: toHex(crypto.getRandomValues(new Uint8Array(32))),
  };
}

function trusteeSecrets(context, key) {
  const sfp = setupFingerprint(context);
  if (key.format !== "iskra-sealed-trustee-key/1") throw new SealedError("not a trustee key file");
  if (key.setup !== toHex(sfp)) throw new SealedError("this key file belongs to another ballot's setup");
  const seed = fromHex(key.seed, 32, "trustee key seed");
  const k = context.threshold;
  return {
    sfp,
    trustee: key.trustee,
    n: context.trustees.length,
    sign: hashToScalar("trustee-sign", sfp, seed) || 1n,
    enc: hashToScalar("trustee-enc", sfp, seed) || 1n,
    poly: [...Array(k).keys()].map((t) => hashToScalar("trustee-poly", sfp, seed, t)),
  };
}

function signMessage(label, context, x, message) {
  const digest = hashBytes("message", canonical(message));
  return { ...message, signature: pairJson(schnorrProve(label, context, x, digest)) };
}

export function checkSignature(label, context, key, message, what) {
  const { signature, ...body } = message;
  if (!schnorrVerify(label, context, key, pairParse(signature, `${what} signature`), hashBytes("message", canonical(body)))) {
    throw new SealedError(`${what}: the signature does not verify`);
  }
}

function evalPoly(poly, x) {
  let out = 0n;
  for (let t = poly.length - 1; t >= 0; t--) out = mod(out * BigInt(x) + poly[t]);
  return out;
}

function pad(sfp, sender, recipient, ephemeral, shared) {
  return hashBytes("share-pad", sfp, sender, recipient, ephemeral, shared).slice(0, 32);
}

const xor = (a, b) => a.map((x, i) => x ^ b[i]);

export function trusteeCertificate(context, key) {
  const s = trusteeSecrets(context, key);
  const message = {
    type: "certificate",
    trustee: s.trustee,
    sign_key: phex(base(s.sign)),
    enc_key: phex(base(s.enc)),
    enc_proof: pairJson(schnorrProve("pok-enc", s.sfp, s.enc)),
  };
  return signMessage("sig-setup", s.sfp, s.sign, message);
}

export function checkCertificates(context, certs) {
  const sfp = setupFingerprint(context);
  if (certs.length !== context.trustees.length) throw new SealedError("one certificate per trustee expected");
  return certs.map((cert, i) => {
    const what = `trustee ${i + 1}'s certificate`;
    if (cert.type !== "certificate" || cert.trustee !== i + 1) throw new SealedError(`${what}: wrong type or trustee`);
    const signKey = point(cert.sign_key, `${what} sign_key`);
    const encKey = point(cert.enc_key, `${what} enc_key`);
    checkSignature("sig-setup", sfp, signKey, cert, what);
    if (!schnorrVerify("pok-enc", sfp, encKey, pairParse(cert.enc_proof, `${what} enc_proof`))) {
      throw new SealedError(`${what}: the proof of knowledge of the encryption key fails`);
    }
    return [signKey, encKey];
  });
}

export function trusteePolynomial(context, key, certs) {
  const s = trusteeSecrets(context, key);
  const keys = checkCertificates(context, certs);
  if (!keys[s.trustee - 1][0].equals(base(s.sign))) throw new SealedError("the certificate published for you is not yours");
  const shares = keys.map(([, encKey], index) => {
    const j = index + 1;
    const z = randomScalar();
    const ephemeral = base(z);
    const p = pad(s.sfp, s.trustee, j, ephemeral, mul(z, encKey));
    return { to: j, ephemeral: phex(ephemeral), ciphertext: toHex(xor(scalarBytes(evalPoly(s.poly, j)), p)) };
  });
  const message = {
    type: "polynomial",
    trustee: s.trustee,
    commitments: s.poly.map((a) => phex(base(a))),
    proof: pairJson(schnorrProve("pok-poly", s.sfp, s.poly[0])),
    shares,
  };
  return signMessage("sig-setup", s.sfp, s.sign, message);
}

export function checkPolynomials(context, certs, polys) {
  const sfp = setupFingerprint(context);
  const keys = checkCertificates(context, certs);
  if (polys.length !== keys.length) throw new SealedError("one polynomial per trustee expected");
  return polys.map((poly, i) => {
    const what = `trustee ${i + 1}'s polynomial`;
    if (poly.type !== "polynomial" || poly.trustee !== i + 1) throw new SealedError(`${what}: wrong type or trustee`);
    checkSignature("sig-setup", sfp, keys[i][0], poly, what);
    if (poly.commitments.length !== context.threshold) throw new SealedError(`${what}: expected ${context.threshold} commitments`);
    const points = poly.commitments.map((c, t) => point(c, `${what} commitment ${t}`));
    if (!schnorrVerify("pok-poly", sfp, points[0], pairParse(poly.proof, what))) {
      throw new SealedError(`${what}: the proof of knowledge of its constant term fails`);
    }
    return points;
  });
}

function expectedVk(commitments, j) {
  let total = ZERO;
  for (const points of commitments) {
    let power = 1n;
    for (const p of points) {
      total = total.add(mul(power, p));
      power = mod(power * BigInt(j));
    }
  }
  return total;
}

function myShare(s, polys, commitments) {
  let total = 0n;
  polys.forEach((poly, index) => {
    const i = index + 1;
    const sh = poly.shares[s.trustee - 1];
    const ephemeral = point(sh.ephemeral, "ephemeral");
    const p = pad(s.sfp, i, s.trustee, ephemeral, mul(s.enc, ephemeral));
    const value = leToBig(xor(fromHex(sh.ciphertext, 32, "share"), p));
    if (value >= L || !base(value).equals(expectedVk([commitments[index]], s.trustee))) {
      throw new SealedError(`the share that trustee ${i} sent to trustee ${s.trustee} does not match trustee ${i}'s commitments: the setup must start again (tell the returning officer)`);
    }
    total = mod(total + value);
  });
  return total;
}

export function trusteeVerification(context, key, certs, polys) {
  const s = trusteeSecrets(context, key);
  const commitments = checkPolynomials(context, certs, polys);
  const mine = commitments[s.trustee - 1];
  if (!mine.every((p, t) => p.equals(base(s.poly[t])))) throw new SealedError("the polynomial published for you is not yours");
  const share = myShare(s, polys, commitments);
  return signMessage("sig-setup", s.sfp, s.sign, {
    type: "verification",
    trustee: s.trustee,
    verification_key: phex(base(share)),
    proof: pairJson(schnorrProve("pok-share", s.sfp, share)),
  });
}

/** The trustee's secret share s_j, from their key file and the setup transcript. */
export function keyShare(context, key, transcript) {
  const s = trusteeSecrets(context, key);
  const commitments = checkPolynomials(context, transcript.certificates, transcript.polynomials);
  return myShare(s, transcript.polynomials, commitments);
}

// Decryption -----------------------------------------------------------------------------------

function decContext(election, trustee, index) {
  return concat(election.fp, u64(trustee), u64(index));
}

/** Decryption factors α^{s_j} with Chaum–Pedersen proofs, for the list of ciphertexts
 *  (each [alphaHex, betaHex]) that the verifier derives from the board and the mixes. */
export function decryptionShare(electionData, trustee, share, ciphertexts) {
  const election = asElection(electionData);
  if (!base(share).equals(election.vks[trustee - 1])) {
    throw new SealedError(`this key does not match trustee ${trustee}'s verification key in the election`);
  }
  const factors = [];
  const proofs = [];
  ciphertexts.forEach((c, i) => {
    const alpha = point(c[0], `ciphertext ${i + 1}`);
    const [d, proof] = cpProve("dec", decContext(election, trustee, i), share, alpha);
    factors.push(phex(d));
    proofs.push(pairJson(proof));
  });
  return { type: "decryption", trustee, factors, proofs };
}

export function checkDecryptionShare(electionData, message, ciphertexts) {
  const election = asElection(electionData);
  const trustee = message.trustee;
  const what = `trustee ${trustee}'s decryption share`;
  if (message.type !== "decryption" || !(trustee >= 1 && trustee <= election.vks.length)) throw new SealedError(`${what}: wrong type or trustee`);
  if (message.factors.length !== ciphertexts.length || message.proofs.length !== ciphertexts.length) {
    throw new SealedError(`${what}: ${message.factors.length} factors for ${ciphertexts.length} ciphertexts`);
  }
  ciphertexts.forEach((c, i) => {
    const alpha = point(c[0], `ciphertext ${i + 1}`);
    const d = point(message.factors[i], `${what} factor ${i + 1}`);
    if (!cpVerify("dec", decContext(election, trustee, i), election.vks[trustee - 1], alpha, d, pairParse(message.proofs[i], what))) {
      throw new SealedError(`${what}: the proof of factor ${i + 1} fails`);
    }
  });
  return true;
}

/** A trustee's mix of one ranked question (rows of [alphaHex, betaHex]), proved and signed. */
export function mix(electionData, context, key, question, index, rows) {
  const election = asElection(electionData);
  const s = trusteeSecrets(context, key);
  const inputs = rows.map((row, i) => row.map((c, k) => ctParse(c, `row ${i + 1} [${k}]`)));
  const { outputs, proof } = shuffle(election.mixContext(question, index), election.fp, election.y, inputs);
  const message = {
    type: "mix",
    question,
    index,
    trustee: s.trustee,
    ciphertexts: outputs.map((row) => row.map(ctJson)),
    proof,
  };
  return signMessage("sig-mix", election.fp, s.sign, message);
}

/**
 * The decryption list (docs/sealed.md, "Decryption"), computed by the trustee's own browser
 * from the counted ballots and, per ranked question, the last mix's rows: the homomorphic
 * tallies are recomputed here, so a trustee never decrypts a ciphertext the server merely
 * names. A trustee's page calls it from verify.js's checkRecordTail, once every ballot's proofs,
 * the board and the mixes have been checked (as the offline `iskra trustee decrypt` does).
 */
export function decryptionList(electionData, ballots, mixed) {
  const election = asElection(electionData);
  const out = [];
  election.questions.forEach((q, qi) => {
    if (RANKED.has(q.kind)) {
      for (const row of mixed[qi]) for (const c of row) out.push(c);
      return;
    }
    const parse = (c) => ctParse(c, `question ${qi + 1}`);
    if (q.kind === "yes_no") {
      out.push(ctJson(product(ballots.map((b) => parse(b.answers[qi].choice)))));
      return;
    }
    q.options.forEach((_, j) => out.push(ctJson(product(ballots.map((b) => parse(b.answers[qi].choices[j]))))));
    if (q.kind === "approval" && q.blank) out.push(ctJson(product(ballots.map((b) => parse(b.answers[qi].blank)))));
  });
  return out;
}

/** Check a whole key-generation transcript (as Python's check_setup); return its outcome. */
export function checkSetup(transcript) {
  const { context } = transcript;
  const sfp = setupFingerprint(context);
  const keys = checkCertificates(context, transcript.certificates);
  const commitments = checkPolynomials(context, transcript.certificates, transcript.polynomials);
  if (transcript.verifications.length !== keys.length) throw new SealedError(`expected ${keys.length} verification keys, one from each trustee`);
  const trustees = transcript.verifications.map((v, index) => {
    const j = index + 1;
    const what = `trustee ${j}'s verification key`;
    if (v.type !== "verification" || v.trustee !== j) throw new SealedError(`${what}: wrong type or trustee number`);
    checkSignature("sig-setup", sfp, keys[index][0], v, what);
    const vk = point(v.verification_key, what);
    if (!vk.equals(expectedVk(commitments, j))) throw new SealedError(`${what} does not match the trustees' commitments`);
    if (!schnorrVerify("pok-share", sfp, vk, pairParse(v.proof, what))) throw new SealedError(`${what}: the proof of knowledge of the key share fails`);
    return {
      id: j,
      name: context.trustees[index].name,
      sign_key: phex(keys[index][0]),
      enc_key: phex(keys[index][1]),
      verification_key: phex(vk),
    };
  });
  const y = commitments.reduce((acc, points) => acc.add(points[0]), ZERO);
  return { setup: toHex(sfp), threshold: context.threshold, trustees, public_key: phex(y) };
}
