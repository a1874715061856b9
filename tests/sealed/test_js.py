"""sealed.js against the Python package, in Debian's Chromium: JS-made ballots, key generation
messages, mixes, credentials and decryption shares verify in Python, and Python-made ones
verify in JavaScript — byte for byte the same formats."""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from iskra import sealed
from iskra.sealed import export as sexport
from iskra.sealed import tally as stally
from iskra.sealed.proofs import ct_json, ct_parse, encrypt

from .conftest import ANSWERS, QUESTIONS, make_trustees
from .harness import BrowserThread

pytestmark = pytest.mark.browser


class Page:
    """A page of sealed.js in Chromium, driven on its own thread (see harness.BrowserThread)."""

    def __init__(self, thread: BrowserThread) -> None:
        self.thread = thread
        self.page = thread.new_page()

    def evaluate(self, script: str, arg: Any) -> Any:
        return self.thread.call(self.page.evaluate, script, arg)

    @property
    def errors(self) -> list[str]:
        return self.page.errors  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("ISKRA_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (ISKRA_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    thread = BrowserThread(path)
    pg = Page(thread)
    yield pg
    assert pg.errors == []
    thread.close()


def js(page: Page, body: str, *args: Any) -> Any:
    return page.evaluate(f"(args) => {{ const [a, b, c, d, e, f] = args; {body} }}", list(args))


def test_a_setup_shared_by_javascript_and_python_trustees(page: Page) -> None:
    """Trustees 1 and 3 in the browser, trustee 2 in Python: one key generation."""
    context = sealed.setup_context(uuid="mixed-ñ-ballot", trustees=["Ann", "Bö", "Cy"], threshold=2)
    assert (
        js(page, "return S.toHex(S.setupFingerprint(a));", context)
        == sealed.setup.check_context(context)[0].hex()
    )
    keys = {
        1: js(page, "return S.newTrusteeKey(a, 1);", context),
        2: sealed.new_trustee_key(context, 2),
    }
    keys[3] = js(page, "return S.newTrusteeKey(a, 3);", context)
    certs = [
        js(page, "return S.trusteeCertificate(a, b);", context, keys[1]),
        sealed.trustee_certificate(context, keys[2]),
        js(page, "return S.trusteeCertificate(a, b);", context, keys[3]),
    ]
    polys = [
        js(page, "return S.trusteePolynomial(a, b, c);", context, keys[1], certs),
        sealed.trustee_polynomial(context, keys[2], certs),
        js(page, "return S.trusteePolynomial(a, b, c);", context, keys[3], certs),
    ]
    verifs = [
        js(page, "return S.trusteeVerification(a, b, c, d);", context, keys[1], certs, polys),
        sealed.trustee_verification(context, keys[2], certs, polys),
        js(page, "return S.trusteeVerification(a, b, c, d);", context, keys[3], certs, polys),
    ]
    transcript = {
        "context": context,
        "certificates": certs,
        "polynomials": polys,
        "verifications": verifs,
    }
    outcome = sealed.check_setup(transcript)
    assert js(page, "return S.checkSetup(a);", transcript) == outcome
    broken = copy.deepcopy(transcript)
    broken["verifications"][1]["verification_key"] = broken["verifications"][0]["verification_key"]
    assert "signature" in js(
        page,
        "try { S.checkSetup(a); return 'accepted'; } catch (err) { return err.message; }",
        broken,
    )

    ca = js(page, "return S.newCaKey(a);", "mixed-ñ-ballot")
    made = js(page, "return S.generateCredentials(a, 7);", ca)
    authority = js(page, 'return S.caPublic(a, "Scrutineer — Ünïcode");', ca)
    questions = [{**q, "text": q["text"] + " — ¿sí? ✊"} for q in QUESTIONS]
    election = sealed.make_election(
        uuid="mixed-ñ-ballot",
        title="Grève générale",
        questions=questions,
        setup=outcome,
        credential_authority=authority,
        rule={"preset": "uk_industrial_action", "opened_on": "2025-06-02"},
    )
    e = sealed.Election(election)
    assert js(page, "return new S.Election(a).fpHex;", election) == e.fp_hex
    creds = sealed.check_credential_batches(e, [made["batch"]])
    secrets = made["secrets"]
    assert js(
        page, "return S.credentialPublic(a, b);", e.uuid, secrets[0]
    ) == sealed.credential_public(e.uuid, secrets[0])

    # Ballots: the browser's verify in Python (with the Benaloh audit), Python's in the browser.
    board = sealed.Board(e.fp)
    for voter, answers in enumerate(ANSWERS):
        if voter % 2 == 0:
            made_ballot = js(
                page, "return S.encryptBallot(a, b, c);", election, answers, secrets[voter]
            )
            ballot = made_ballot["ballot"]
            assert sealed.check_ballot(e, ballot, creds) == made_ballot["tracker"]
            assert sealed.check_audit(e, ballot, made_ballot["audit"]) == [
                a if a != [] else None for a in answers
            ]
        else:
            ballot = sealed.encrypt_ballot(election, answers, secrets[voter])
            assert js(page, "return S.checkBallot(a, b);", election, ballot) == sealed.tracker(
                ballot
            )
        board.append(ballot, sealed.tracker(ballot))
    python_made = board.entries[1]["ballot"]
    tampered = copy.deepcopy(python_made)
    tampered["answers"][3]["ranking"][0], tampered["answers"][3]["ranking"][1] = (
        tampered["answers"][3]["ranking"][1],
        tampered["answers"][3]["ranking"][0],
    )
    assert "signature" in js(
        page,
        "try { S.checkBallot(a, b); return 'accepted'; } catch (err) { return err.message; }",
        election,
        tampered,
    )

    # Mixes: one in the browser, one in Python.
    counted = board.counted()
    rows = [[ct_json(c) for c in row] for row in stally.mix_input(e, counted, 3)]
    first = js(page, "return S.mix(a, b, c, 3, 0, d);", election, context, keys[3], rows)
    second = sealed.mix(
        e, (context, keys[2]), 3, 1, [[ct_parse(c, "c") for c in r] for r in first["ciphertexts"]]
    )
    data = sexport.build_export(
        election=election,
        transcript=transcript,
        credentials=[made["batch"]],
        entitled=7,
        board=board,
        mixes=[None, None, None, [first, second]],
    )
    targets = sexport.verify_before_decryption(data, workers=1).decryption_list()
    targets_json = [ct_json(c) for c in targets]
    mixed_rows = {"3": second["ciphertexts"]}
    assert (
        js(page, "return S.decryptionList(a, b, c);", election, counted, mixed_rows) == targets_json
    )

    # Decryption: trustee 1 in the browser, trustee 2 in Python; each checks the other's.
    share1 = js(
        page,
        "const s = S.keyShare(a, b, c); return S.decryptionShare(d, 1, s, e);",
        context,
        keys[1],
        transcript,
        election,
        targets_json,
    )
    share2 = sealed.decryption_share(e, 2, sealed.key_share(context, keys[2], transcript), targets)
    assert (
        js(page, "return S.checkDecryptionShare(a, b, c);", election, share2, targets_json) is True
    )
    final = sexport.finish_export(data, [share1, share2])
    lines = sealed.verify_export(final, workers=1)
    assert lines[-4].startswith("  Do you support strike action? — ¿sí? ✊: Yes: 4, No: 2; blank 1")


def test_the_browser_refuses_a_wrong_decryption_share(page: Page) -> None:
    trustees = make_trustees("js-wrong-share")
    from .conftest import make_scenario

    scenario = make_scenario(trustees)
    e = scenario.parsed
    cts = [encrypt(e.y, m, sealed.group.random_scalar()) for m in (1, 2)]
    share = sealed.decryption_share(e, 3, scenario.share(3), cts)
    share["factors"][1] = share["factors"][0]
    message = js(
        page,
        "try { S.checkDecryptionShare(a, b, c); return 'accepted'; } catch (err) { return err.message; }",
        scenario.election,
        share,
        [ct_json(c) for c in cts],
    )
    assert message == "trustee 3's decryption share: the proof of factor 2 fails"


def test_the_browser_refuses_bad_answers_and_credentials(page: Page) -> None:
    trustees = make_trustees("js-bad")
    from .conftest import make_scenario

    scenario = make_scenario(trustees)
    check = (
        "try { S.encryptBallot(a, b, c); return 'accepted'; } catch (err) { return err.message; }"
    )
    assert (
        js(page, check, scenario.election, [0, 0, [0, 1, 2], []], scenario.credentials[0])
        == "Question 3: choose at most 2."
    )
    assert (
        js(page, check, scenario.election, [0, 0, [], [1, 1]], scenario.credentials[0])
        == "Question 4: each option can be chosen only once."
    )
    assert "not a voting credential" in js(page, check, scenario.election, [None] * 4, "1234")


def test_prepare_voting_rehearses_with_a_throwaway_ballot(page: Page) -> None:
    trustees = make_trustees("js-prepare")
    from .conftest import make_scenario

    scenario = make_scenario(trustees, [{**q, "blank": False} for q in QUESTIONS])
    made = js(
        page,
        "const prepared = S.prepareVoting(a); return S.encryptBallot(prepared, b, c).ballot;",
        scenario.election,
        [1, 2, [0], [4, 3]],
        scenario.credentials[0],
    )
    sealed.check_ballot(scenario.election, made)
