// The pages of a sealed ballot, in the browser: a trustee's key generation and decryption, the
// credential authority's credentials, and the voter's encryption (with Benaloh's audit).
// Every secret — a trustee's key, the credentials, a voter's credential and answers — stays in
// this page: only public messages and encrypted ballots are posted. Without JavaScript each page
// works by file upload (trustees, credential authority) or server-side encryption (voters).

import * as S from "./sealed.js";
import { checkAndDecrypt, voterHelper } from "./tasks.js";

const $ = (id) => document.getElementById(id);
const data = (id) => JSON.parse($(id).textContent);

for (const el of document.querySelectorAll(".js-only")) el.hidden = false;

function say(id, text) {
  const el = $(id);
  if (el) el.textContent = text;
}

/** A link that saves `text` as the file `name`, placed after `anchor` (and clicked once). */
function offerFile(anchor, name, text, label, type = "application/json") {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.textContent = label;
  a.className = "button";
  const p = document.createElement("p");
  p.append(a);
  anchor.after(p);
  return a;
}

function readJsonFile(input) {
  return new Promise((resolve, reject) => {
    const file = input.files && input.files[0];
    if (!file) return reject(new S.SealedError("Choose your key file first."));
    const reader = new FileReader();
    reader.onload = () => {
      try {
        resolve(JSON.parse(reader.result));
      } catch {
        reject(new S.SealedError("That file is not a key file (not JSON)."));
      }
    };
    reader.onerror = () => reject(new S.SealedError("Your browser could not read that file."));
    reader.readAsText(file);
  });
}

function post(formId, fieldId, message) {
  $(fieldId).value = JSON.stringify(message);
  $(formId).submit();
}

// Trustee ------------------------------------------------------------------------------------

/** The ballots that count: the last of each credential (a later one names it in "replaces"). */
function counted(record) {
  const replaced = new Set(record.board.map((e) => e.replaces).filter(Boolean));
  return record.board.filter((e) => !replaced.has(e.tracker)).map((e) => e.ballot);
}

async function fetchRecord(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new S.SealedError(`the record could not be fetched (${response.status})`);
  return response.json();
}

for (const section of document.querySelectorAll("section[data-mode=mix]")) {
  const progress = section.querySelector(".mix-progress");
  section.querySelector(".mix-run").addEventListener("click", async () => {
    try {
      const key = await readJsonFile(section.querySelector(".mix-key"));
      progress.textContent = "Fetching the record and shuffling…";
      const record = await fetchRecord(section.dataset.record);
      const qi = Number(section.dataset.question);
      const chain = record.mixes[qi];
      const rows = chain.length ? chain[chain.length - 1].ciphertexts : counted(record).map((b) => b.answers[qi].ranking);
      const message = S.mix(record.election, record.setup.context, key, qi, chain.length, rows);
      section.querySelector(".mix-message").value = JSON.stringify(message);
      section.querySelector(".mix-form").submit();
    } catch (e) {
      progress.textContent = `Nothing was sent: ${e.message}`;
    }
  });
}

const trustee = $("sealed-trustee");
if (trustee) {
  const j = Number(trustee.dataset.trustee);
  const fail = (e) => say("trustee-progress", `Nothing was sent: ${e.message}`);
  if (trustee.dataset.mode === "keygen") {
    const round = data("sealed-round");
    const make = $("trustee-make-key");
    if (make) {
      make.addEventListener("click", () => {
        try {
          const key = S.newTrusteeKey(round.context, j);
          const certificate = S.trusteeCertificate(round.context, key);
          make.disabled = true;
          offerFile(make, `trustee-${j}-key-ballot-${trustee.dataset.ballot}.json`, JSON.stringify(key), "Save my key file again").click();
          say("trustee-progress", "Your key file has been offered for download: keep it safe. Then send your certificate.");
          const send = document.createElement("button");
          send.type = "button";
          send.id = "trustee-send";
          send.textContent = "I have saved my key file: send my certificate";
          send.addEventListener("click", () => post("trustee-form", "trustee-message", certificate));
          $("trustee-progress").after(send);
        } catch (e) {
          fail(e);
        }
      });
    }
    const run = $("trustee-run");
    if (run) {
      run.addEventListener("click", async () => {
        try {
          const key = await readJsonFile($("trustee-key"));
          say("trustee-progress", "Computing…");
          const message =
            round.step === "polynomial"
              ? S.trusteePolynomial(round.context, key, round.certificates)
              : S.trusteeVerification(round.context, key, round.certificates, round.polynomials);
          post("trustee-form", "trustee-message", message);
        } catch (e) {
          fail(e);
        }
      });
    }
  } else if (trustee.dataset.mode === "decrypt") {
    const run = $("trustee-run");
    run.addEventListener("click", async () => {
      run.disabled = true;
      try {
        const key = await readJsonFile($("trustee-key"));
        say("trustee-progress", "Fetching the record…");
        const record = await fetchRecord(trustee.dataset.record);
        // Everything is checked here before the key is used: every ballot's signature and
        // proofs, the board's chain, the credentials, the key generation, the tally (recomputed
        // from the board, never taken from the server) and every shuffle.
        const { share, ranIn, workers } = await checkAndDecrypt(record, key, j, (text) => say("trustee-progress", text));
        trustee.dataset.checkedIn = ranIn;
        trustee.dataset.workers = String(workers);
        say("trustee-progress", "Every check passed. Sending your decryption share…");
        post("trustee-form", "trustee-message", share);
      } catch (e) {
        if (e.ranIn) trustee.dataset.checkedIn = e.ranIn;
        run.disabled = false;
        say("trustee-progress", `Nothing was sent: ${e.message}`);
      }
    });
  }
}

// Credential authority -------------------------------------------------------------------------

const ca = $("sealed-ca");
if (ca) {
  const make = $("ca-make");
  make.addEventListener("click", () => {
    try {
      const setup = data("sealed-ca-setup");
      const key = S.newCaKey(setup.uuid);
      const { secrets, batch } = S.generateCredentials(key, setup.roll.length);
      const authority = S.caPublic(key, setup.name);
      const csv = "voter,credential\n" + setup.roll.map((voter, i) => `${voter},${secrets[i]}\n`).join("");
      make.disabled = true;
      offerFile(make, `ca-key-ballot-${ca.dataset.ballot}.json`, JSON.stringify(key), "Save your credential authority key");
      offerFile(make, `credentials-ballot-${ca.dataset.ballot}.secret.csv`, csv, "Save the list of credentials (secret)", "text/csv").id = "ca-list";
      say("ca-progress", `${secrets.length} credentials made. Save the list, send each voter their line yourself, then send the public halves to Iskra.`);
      const send = document.createElement("button");
      send.type = "button";
      send.id = "ca-send";
      send.textContent = "Send the public credentials to Iskra";
      send.addEventListener("click", () => {
        $("ca-batch").value = JSON.stringify(batch);
        $("ca-authority").value = JSON.stringify(authority);
        $("ca-form").submit();
      });
      $("ca-progress").after(send);
    } catch (e) {
      say("ca-progress", `Nothing was made: ${e.message}`);
    }
  });
}

// A further batch, for voters added on upheld roll challenges while the ballot is open: made
// with the credential authority's key file (read here, never uploaded), numbered after the
// batches already given, for exactly the voters still waiting.
const further = $("sealed-ca-further");
if (further) {
  const make = $("ca-further-make");
  make.addEventListener("click", async () => {
    try {
      const setup = data("sealed-ca-further-setup");
      const key = await readJsonFile($("ca-further-key"));
      if (key.format !== "iskra-sealed-ca-key/1" || key.uuid !== setup.uuid) {
        throw new S.SealedError("that is not a credential authority key file of this ballot.");
      }
      if (S.caPublic(key, "").sign_key !== setup.sign_key) {
        throw new S.SealedError("that key is not the one this ballot's credentials were signed with: choose the key file you saved with the first credentials.");
      }
      const { secrets, batch } = S.generateCredentials(key, setup.voters.length, setup.batch);
      const csv = "voter,credential\n" + setup.voters.map((voter, i) => `${voter},${secrets[i]}\n`).join("");
      make.disabled = true;
      offerFile(make, `credentials-ballot-${further.dataset.ballot}-batch-${setup.batch}.secret.csv`, csv, "Save the list of these credentials (secret)", "text/csv").id = "ca-further-list";
      say("ca-further-progress", `${secrets.length} credential${secrets.length === 1 ? "" : "s"} made (batch ${setup.batch}). Save the list, send each voter their line yourself, then send the public halves to Iskra.`);
      const send = document.createElement("button");
      send.type = "button";
      send.id = "ca-further-send";
      send.textContent = "Send the public credentials to Iskra";
      send.addEventListener("click", () => post("ca-further-form", "ca-further-batch", batch));
      $("ca-further-progress").after(send);
    } catch (e) {
      say("ca-further-progress", `Nothing was made: ${e.message}`);
    }
  });
}

// Voting ---------------------------------------------------------------------------------------

/** Each [question, answer in words] as a term and its description in `list` (a <dl>). */
function showChoices(list, lines) {
  list.replaceChildren();
  for (const [question, words] of lines) {
    const dt = document.createElement("dt");
    dt.textContent = question;
    const dd = document.createElement("dd");
    dd.textContent = words;
    list.append(dt, dd);
  }
}

const castKey = (ballot) => `iskra:sealed-cast:${ballot}`;

// The receipt page: what this tab cast, if its tracker is the one on the page.
const receipt = $("cast-choices");
if (receipt) {
  let stored = null;
  try {
    stored = JSON.parse(sessionStorage.getItem(castKey(receipt.dataset.ballot)) || "null");
  } catch {
    stored = null;
  }
  if (stored && stored.tracker === $("tracker")?.textContent.trim()) {
    showChoices($("cast-choices-list"), stored.lines);
    receipt.hidden = false;
  }
}

const form = $("sealed-vote");
if (form) {
  const electionData = data("sealed-election");
  // Warm up while the voter reads the questions (tables, one rehearsal encryption), in a Web
  // Worker where there is one so that the page stays responsive; the form's data-prepared-in
  // says where it ran ("worker" or "page").
  const helper = voterHelper();
  say("vote-progress", "Preparing your ballot…");
  const ready = helper.run("prepare", { election: electionData }).then(
    (answer) => {
      form.dataset.preparedIn = answer.ranIn;
      if ($("vote-progress").textContent === "Preparing your ballot…") say("vote-progress", "Your browser is ready to encrypt your vote.");
    },
    (e) => say("vote-progress", `Your browser could not prepare the encryption: ${e.message}`),
  );
  let busy = false;

  // The answers as the paper is filled: null for a question left blank (ticked "blank", or not
  // answered: the review says so, and asks "cast a blank ballot?" when nothing is chosen).
  const answers = () =>
    [...form.querySelectorAll("fieldset[data-question]")].map((fs) => {
      const id = fs.dataset.id;
      const n = Number(fs.dataset.question) + 1;
      const blank = form.querySelector(`#q${id}_blank`).checked;
      let chosen = [...fs.querySelectorAll(`input[name="q${id}"]:checked`)].map((i) => Number(i.value));
      if (fs.dataset.kind === "ranked" || fs.dataset.kind === "stv") {
        const ranks = [...fs.querySelectorAll("input[data-option]")]
          .filter((i) => i.value.trim())
          .map((i) => [Number(i.value), Number(i.dataset.option)]);
        if (ranks.some(([r]) => !Number.isInteger(r) || r < 1)) throw new S.SealedError(`Question ${n}: preferences are numbers 1, 2, 3…`);
        if (new Set(ranks.map(([r]) => r)).size !== ranks.length) throw new S.SealedError(`Question ${n}: two candidates have the same preference number.`);
        chosen = ranks.sort((a, b) => a[0] - b[0]).map(([, option]) => option);
        if (blank && chosen.length) throw new S.SealedError(`Question ${n}: choose options or “blank”, not both.`);
        return chosen.length ? chosen : null;
      }
      if (blank && chosen.length) throw new S.SealedError(`Question ${n}: choose options or “blank”, not both.`);
      if (!chosen.length) return null;
      return fs.dataset.kind === "approval" ? chosen : chosen[0];
    });

  // The choices in words, question by question, for the review and the receipt page.
  const inWords = (chosen) =>
    [...form.querySelectorAll("fieldset[data-question]")].map((fs, i) => {
      const question = fs.querySelector("legend").textContent.trim();
      const options = electionData.questions[i].options;
      const a = chosen[i];
      let words = "Blank (no answer)";
      if (Array.isArray(a)) {
        const ranked = fs.dataset.kind === "ranked" || fs.dataset.kind === "stv";
        words = a.map((k, place) => (ranked ? `${place + 1}. ${options[k]}` : options[k])).join(ranked ? "; " : ", ");
      } else if (a !== null) {
        words = options[a];
      }
      return [question, words];
    });

  // Progressive enhancement: without JavaScript the button casts (the server encrypts); with it,
  // the button shows the review first, and the review's button encrypts and casts.
  const castButton = form.querySelector("button.cast");
  castButton.textContent = "Check my vote";
  const review = $("vote-review");
  let reviewed = null;

  function showReview(chosen) {
    reviewed = chosen;
    const nothing = chosen.every((a) => a === null);
    say("vote-review-h", nothing ? "Cast a blank ballot?" : "Check your vote before casting it");
    say(
      "vote-review-note",
      nothing
        ? "You have not chosen anything. If you cast now, your ballot is blank on every question: it counts towards the turnout, not for any option."
        : "Your vote has not been cast yet. This is what you chose; only your browser knows it.",
    );
    const list = $("vote-review-choices");
    showChoices(list, inWords(chosen));
    list.hidden = nothing;
    say("vote-confirm", nothing ? "Yes, encrypt and cast a blank ballot" : "Encrypt and cast my vote");
    // The paper cannot change under the review: "Change my choices" goes back to it.
    for (const input of form.querySelectorAll("fieldset input")) input.disabled = true;
    castButton.hidden = true;
    review.hidden = false;
    review.focus();
  }

  function hideReview() {
    reviewed = null;
    review.hidden = true;
    castButton.hidden = false;
    for (const input of form.querySelectorAll("fieldset input")) input.disabled = false;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy || reviewed) return;
    try {
      const chosen = answers();
      S.normaliseCredential($("credential").value);
      say("vote-progress", "");
      showReview(chosen);
    } catch (e) {
      say("vote-progress", `Your vote has not been cast: ${e.message}`);
    }
  });

  $("vote-change").addEventListener("click", () => {
    hideReview();
    form.querySelector("fieldset[data-question] input")?.focus();
  });

  $("vote-confirm").addEventListener("click", async () => {
    if (busy || !reviewed) return;
    busy = true;
    try {
      const chosen = reviewed;
      say("vote-progress", "Encrypting your vote…");
      await ready;
      const { ballot, tracker, ranIn } = await helper.run("encrypt", { election: electionData, answers: chosen, credential: $("credential").value });
      form.dataset.encryptedIn = ranIn;
      $("sealed-ballot").value = JSON.stringify(ballot);
      // What was cast, for the receipt page of this tab only (never sent): shown there next
      // to the tracker it belongs to.
      try {
        sessionStorage.setItem(castKey(form.dataset.ballot), JSON.stringify({ tracker, lines: inWords(chosen) }));
      } catch {
        // Storage refused (private mode): the receipt page shows the tracker only.
      }
      // Only the encrypted ballot leaves this page: not the answers, not the credential.
      $("credential").value = "";
      for (const input of form.querySelectorAll("fieldset input")) input.disabled = true;
      say("vote-progress", "Sending your encrypted vote…");
      form.submit();
    } catch (e) {
      busy = false;
      hideReview();
      say("vote-progress", `Your vote has not been cast: ${e.message}`);
    }
  });

  $("vote-audit").addEventListener("click", async () => {
    try {
      const chosen = answers();
      say("audit-result", "Encrypting and opening a ballot to check it…");
      await ready;
      const { opened, tracker, ranIn } = await helper.run("audit", { election: electionData, answers: chosen });
      form.dataset.auditedIn = ranIn;
      const words = electionData.questions.map((q, i) => {
        const a = opened[i];
        const text = a === null ? "blank" : Array.isArray(a) ? a.map((k) => q.options[k]).join(", ") || "blank" : q.options[a];
        return `${i + 1}. ${text}`;
      });
      say("audit-result", `Audit passed: the encrypted ballot ${tracker} holds exactly ${words.join("; ")}. It has been thrown away; your vote will be encrypted afresh.`);
      reportAudit(tracker);
    } catch (e) {
      say("audit-result", `Audit: ${e.message}`);
    }
  });

  // Tell Iskra the audited ballot's tracker (only that), so that it can never be cast and the
  // record lists it; the voter is told whether Iskra recorded it.
  async function reportAudit(tracker) {
    const body = new FormData();
    body.append("tracker", tracker);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    const result = $("audit-result");
    try {
      const response = await fetch($("vote-audit").dataset.report, { method: "POST", body, credentials: "same-origin" });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new S.SealedError(answer.detail || `error ${response.status}`);
      result.textContent += " Iskra has recorded its tracker as audited: it can never be cast.";
    } catch (e) {
      result.textContent += ` (Iskra could not record the audit: ${e.message})`;
    }
  }
}
