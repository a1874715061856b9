"""The recall API, from outside: a member of the constituency, another branch's secretary,
the holder; bad input gets a clear 4xx and writes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from iskra.ballots.models import Ballot
from iskra.representation.models import RecallPetition, RecallSignature
from tests.api.test_api import is_error
from tests.api.test_cycle_api import Api
from tests.representation.conftest import RecallWorld


def test_start_sign_withdraw_and_reply_through_the_api(recall: RecallWorld) -> None:
    w = recall.world
    member, signer, holder = Api(w.member), Api(recall.others[0]), Api(w.secretary)
    url = f"/holdings/{recall.holding.pk}/recall-petitions"
    is_error(member.post(url, {"reason": "  "}), 400)
    response = member.post(url, {"reason": "Never reports back."})
    assert response.status_code == 201, response.content
    petition = response.json()
    assert petition["state"] == "open" and petition["signatures"] == 1
    assert petition["required"] == 2 and petition["eligible"] == 10
    assert petition["you_signed"] and not petition["you_may_sign"]
    pid = petition["id"]
    # A second petition, signing twice: refused, nothing written.
    is_error(signer.post(url, {"reason": "Again."}), 400)
    is_error(member.post(f"/recall-petitions/{pid}/signature", {}), 400)
    assert RecallSignature.objects.count() == 1 and RecallPetition.objects.count() == 1
    # The holder replies; nobody else can.
    is_error(member.put(f"/recall-petitions/{pid}/reply", {"text": "Me?"}), 403)
    answer = holder.put(f"/recall-petitions/{pid}/reply", {"text": "I was ill."})
    assert answer.status_code == 200 and answer.json()["reply"] == "I was ill."
    # Withdraw, sign again; the second signature reaches the threshold.
    assert member.delete(f"/recall-petitions/{pid}/signature").json()["signatures"] == 0
    is_error(member.delete(f"/recall-petitions/{pid}/signature"), 400)
    assert member.post(f"/recall-petitions/{pid}/signature", {}).json()["signatures"] == 1
    done = signer.post(f"/recall-petitions/{pid}/signature", {}).json()
    assert done["state"] == "ballot" and done["ballot_id"]
    assert Ballot.objects.get(pk=done["ballot_id"]).state == Ballot.State.OPEN
    # Withdrawing after the threshold is refused.
    is_error(signer.delete(f"/recall-petitions/{pid}/signature"), 400)
    assert RecallPetition.objects.get(pk=pid).signatures == 2


def test_another_branch_sees_nothing_and_cannot_sign(recall: RecallWorld) -> None:
    w = recall.world
    r = Api(w.member).post(f"/holdings/{recall.holding.pk}/recall-petitions", {"reason": "x y"})
    pid = r.json()["id"]
    other = Api(w.other_secretary)
    is_error(other.get(f"/recall-petitions/{pid}"), 404)
    is_error(other.post(f"/recall-petitions/{pid}/signature", {}), 404)
    assert other.get("/recall-petitions").json()["items"] == []
    is_error(other.post(f"/holdings/{recall.holding.pk}/recall-petitions", {"reason": "x"}), 403)
    # The national officer (over Branch A) sees it, but is not of the constituency.
    officer = Api(w.officer)
    assert officer.get(f"/recall-petitions/{pid}").status_code == 200
    is_error(officer.post(f"/recall-petitions/{pid}/signature", {}), 403)
    is_error(Api(None).get(f"/recall-petitions/{pid}"), 401)
    is_error(Api(w.member).get("/recall-petitions/99999999"), 404)
    # A reason past its length is refused by the schema.
    is_error(
        Api(recall.others[0]).post(
            f"/holdings/{recall.holding.pk}/recall-petitions", {"reason": "x" * 5001}
        ),
        422,
    )


def test_a_lapsed_petition_refuses_signatures(recall: RecallWorld) -> None:
    r = Api(recall.world.member).post(
        f"/holdings/{recall.holding.pk}/recall-petitions", {"reason": "Absent."}
    )
    pid = r.json()["id"]
    RecallPetition.objects.filter(pk=pid).update(closes_on=timezone.localdate() - timedelta(days=1))
    response = Api(recall.others[0]).post(f"/recall-petitions/{pid}/signature", {})
    is_error(response, 400)
    assert "lapsed" in response.json()["detail"]
