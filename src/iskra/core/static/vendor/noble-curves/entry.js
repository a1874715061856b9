// The parts of @noble/curves and @noble/hashes that Iskra's sealed ballots use.
export { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
export { sha256, sha512 } from "@noble/hashes/sha2.js";
