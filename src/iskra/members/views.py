from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from iskra import csvsafe
from iskra.accounts.models import User
from iskra.accounts.services import invite
from iskra.core.errors import DomainError, NotFound
from iskra.core.ratelimit import TOO_MANY, allow_anonymous
from iskra.core.web import domain_view, form_view, keep_form, kept_form, post_action
from iskra.members import selectors, services
from iskra.members.forms import (
    AppealDecisionForm,
    AppealForm,
    CaseDecisionForm,
    DecisionForm,
    DirectoryFilterForm,
    JoinForm,
    OpenCaseForm,
    ProbationForm,
    StatusForm,
    TransferDecisionForm,
    TransferRequestForm,
)
from iskra.members.models import Application, Membership, Transfer
from iskra.members.permissions import (
    can_appeal_case,
    can_decide_appeal,
    can_decide_case,
    can_manage_member,
    can_open_case,
    can_view_branch_members,
    can_view_directory,
    load_application,
    load_case,
    load_membership,
    load_transfer,
)
from iskra.organisation.models import Body, Organisation
from iskra.organisation.permissions import require

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_not_required
def join(request: HttpRequest) -> HttpResponseBase:
    organisation = Organisation.current()
    form = JoinForm(request.POST or None)
    if request.method == "POST" and not allow_anonymous(request, "join"):
        form.is_valid()  # keep what was typed, show the limit instead of the checks
        form.errors.clear()
        form.add_error(None, TOO_MANY)
        return render(
            request, "members/join.html", {"form": form, "organisation": organisation}, status=429
        )

    def save(form: JoinForm) -> Any:
        data = form.cleaned_data
        return services.apply_to_join(
            email=data["email"],
            full_name=data["full_name"],
            password=data["password"],
            unit=data["unit"],
            agreed_to_aims=data["agree"],
            message=data["message"],
            pronouns=data["pronouns"],
            phone=data["phone"],
            postcode=data["postcode"],
            workplace=data["workplace"],
        )

    def done(application: Any) -> HttpResponseBase:
        login(request, application.membership.user, backend=MODEL_BACKEND)
        return redirect("members:mine")

    return form_view(
        request,
        form,
        save=save,
        done=done,
        success=lambda application: (
            f"Thank you. Your application is with {application.unit.name}; they will be in touch."
        ),
        template="members/join.html",
        context={"organisation": organisation},
    )


def my_membership(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    membership = Membership.objects.select_related("unit", "unit__kind").filter(user=user).first()
    context: dict[str, Any] = {"membership": membership}
    if membership is not None:
        context.update(
            events=membership.events.select_related("decided_by", "body"),
            transfers=membership.transfers.select_related("to_unit", "from_unit"),
            cases=membership.cases.select_related("deciding_body", "appeal_body"),
            holdings=user.seat_holdings.select_related("seat__body__unit").order_by("-started_on"),
            transfer_form=kept_form(request, "transfer-request", TransferRequestForm),
        )
    return render(request, "members/mine.html", context)


@require_POST
def transfer_request(request: HttpRequest) -> HttpResponseBase:
    back = redirect("members:mine")
    form = TransferRequestForm(request.POST)
    if not form.is_valid():
        return keep_form(request, "transfer-request", form, back)
    return post_action(
        request,
        lambda: services.request_transfer(
            actor=_user(request),
            to_unit=form.cleaned_data["to_unit"],
            reason=form.cleaned_data["reason"],
        ),
        then=back,
        success="Your transfer request has been sent to the branch.",
    )


@require_POST
@domain_view
def transfer_cancel(request: HttpRequest, transfer_id: int) -> HttpResponseBase:
    transfer = load_transfer(request.user, transfer_id)
    return post_action(
        request,
        lambda: services.cancel_transfer(actor=_user(request), transfer=transfer),
        then=redirect("members:mine"),
    )


@domain_view
def transfers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "members/transfers.html",
        {"transfers": selectors.incoming_transfers(request.user), "form": TransferDecisionForm()},
    )


@domain_view
def transfer_decide(request: HttpRequest, transfer_id: int) -> HttpResponseBase:
    transfer = load_transfer(request.user, transfer_id)
    return form_view(
        request,
        TransferDecisionForm(request.POST or None),
        save=lambda form: services.decide_transfer(
            actor=_user(request),
            transfer=transfer,
            accept=form.cleaned_data["accept"] == "yes",
            reason=form.cleaned_data["reason"],
        ),
        done=lambda _: redirect("members:transfers"),
        success=lambda decided: (
            f"Transfer of {transfer.membership.user} to {transfer.to_unit} accepted."
            if decided.state == Transfer.State.ACCEPTED
            else f"Transfer of {transfer.membership.user} to {transfer.to_unit} declined."
        ),
        context={
            "title": f"Transfer of {transfer.membership.user} to {transfer.to_unit}",
            "submit": "Decide",
        },
    )


@domain_view
def applications(request: HttpRequest) -> HttpResponse:
    pending = selectors.pending_applications(request.user)
    return render(request, "members/applications.html", {"applications": pending})


@domain_view
def application_detail(request: HttpRequest, application_id: int) -> HttpResponseBase:
    application = load_application(request.user, application_id)
    return form_view(
        request,
        DecisionForm(request.POST or None),
        save=lambda form: services.decide_application(
            actor=_user(request),
            application=application,
            admit=form.cleaned_data["decision"] == "admit",
            reason=form.cleaned_data["reason"],
        ),
        done=lambda _: redirect("members:applications"),
        success=lambda decided: (
            f"{application.membership.user} is admitted to {decided.unit}."
            if decided.decision == Application.Decision.ADMITTED
            else f"The application of {application.membership.user} is declined; they are told."
        ),
        template="members/application_detail.html",
        context={"application": application},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@domain_view
def directory(request: HttpRequest) -> HttpResponseBase:
    require(can_view_directory(request.user), "The member directory is for officers.")
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "query": form.cleaned_data["q"],
            "status": form.cleaned_data["status"],
            "unit": form.cleaned_data["unit"],
            "seat_role": form.cleaned_data["seat"],
        }
    members = selectors.directory(request.user, **filters)
    if request.GET.get("format") == "csv":
        writer = csvsafe.writer(_Echo())
        header = [
            "number",
            "name",
            "email",
            "phone",
            "postcode",
            "branch",
            "status",
            "consent_email",
        ]

        def rows() -> Any:
            yield writer.writerow(header)
            for m in members.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        m.number,
                        m.user.full_name,
                        m.user.email,
                        m.user.phone,
                        m.user.postcode,
                        m.unit.name,
                        m.status,
                        m.user.consent_email,
                    ]
                )

        from iskra.audit.services import record

        record(
            actor=_user(request),
            action="directory.export",
            data={"filters": {k: str(v) for k, v in filters.items() if v}},
        )
        export = StreamingHttpResponse(rows(), content_type="text/csv")
        export["Content-Disposition"] = 'attachment; filename="members.csv"'
        return export
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    # htmx asks for the results only; when it restores history (back button, cache miss) it
    # wants the whole page. Vary on the header so a browser never shows the fragment as a page.
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "members/_directory_rows.html" if partial else "members/directory.html"
    query = request.GET.copy()
    query.pop("page", None)
    response = render(request, template, {"form": form, "page": page, "query": query.urlencode()})
    patch_vary_headers(response, ["HX-Request"])
    return response


@domain_view
def member_record(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = load_membership(request.user, membership_id)
    manage = can_manage_member(request.user, membership)
    bodies = Body.objects.filter(unit_id__in=membership.unit.ancestor_ids).select_related("unit")
    context = {
        "membership": membership,
        "member": membership.user,
        "events": membership.events.select_related("decided_by", "body"),
        "holdings": membership.user.seat_holdings.select_related("seat__body__unit"),
        "cases": membership.cases.select_related("deciding_body"),
        "transfers": membership.transfers.select_related("from_unit", "to_unit"),
        "can_manage": manage,
        "status_form": kept_form(request, f"member-{membership.pk}-status", StatusForm),
        "probation_form": kept_form(request, f"member-{membership.pk}-probation", ProbationForm),
        "case_form": kept_form(request, f"member-{membership.pk}-case", OpenCaseForm, bodies=bodies)
        if can_open_case(request.user, membership)
        else None,
    }
    return render(request, "members/record.html", context)


@require_POST
@domain_view
def member_status(request: HttpRequest, membership_id: int) -> HttpResponseBase:
    membership = load_membership(request.user, membership_id)
    require(
        can_manage_member(request.user, membership),
        "Only officers of the member's units change their status.",
    )
    back = redirect("members:record", membership_id=membership.pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return keep_form(request, f"member-{membership.pk}-status", form, back)
    return post_action(
        request,
        lambda: services.change_status(
            actor=_user(request), membership=membership, **form.cleaned_data
        ),
        then=back,
        success="Status changed.",
    )


@require_POST
@domain_view
def member_probation(request: HttpRequest, membership_id: int) -> HttpResponseBase:
    membership = load_membership(request.user, membership_id)
    require(
        can_manage_member(request.user, membership),
        "Only officers of the member's units hold a probation.",
    )
    back = redirect("members:record", membership_id=membership.pk)
    form = ProbationForm(request.POST)
    if not form.is_valid():
        return keep_form(request, f"member-{membership.pk}-probation", form, back)
    return post_action(
        request,
        lambda: services.hold_probation(
            actor=_user(request), membership=membership, **form.cleaned_data
        ),
        then=back,
        success="Probation updated.",
    )


@require_POST
@domain_view
def member_invite(request: HttpRequest, membership_id: int) -> HttpResponseBase:
    membership = load_membership(request.user, membership_id)
    return post_action(
        request,
        lambda: invite(actor=_user(request), user=membership.user),
        then=redirect("members:record", membership_id=membership.pk),
        success=f"Invitation sent to {membership.user.email}.",
    )


@require_POST
@domain_view
def case_open(request: HttpRequest, membership_id: int) -> HttpResponseBase:
    membership = load_membership(request.user, membership_id)
    require(
        can_open_case(request.user, membership),
        "Only officers of the member's units can refer a complaint.",
    )
    back = redirect("members:record", membership_id=membership.pk)
    bodies = Body.objects.filter(unit_id__in=membership.unit.ancestor_ids)
    form = OpenCaseForm(request.POST, bodies=bodies)
    if not form.is_valid():
        return keep_form(request, f"member-{membership.pk}-case", form, back)
    try:
        case = services.open_case(actor=_user(request), membership=membership, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return back
    return redirect("members:case", case_id=case.pk)


@domain_view
def cases(request: HttpRequest) -> HttpResponse:
    return render(request, "members/cases.html", {"cases": selectors.cases_for(request.user)})


@domain_view
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = load_case(request.user, case_id)
    user = _user(request)
    decide_form = CaseDecisionForm(request.POST if "outcome" in request.POST else None)
    appeal_form = AppealForm(request.POST if "grounds" in request.POST else None)
    appeal_decision_form = AppealDecisionForm(request.POST if "upheld" in request.POST else None)
    if request.method == "POST":
        try:
            if decide_form.is_bound and decide_form.is_valid():
                services.decide_case(actor=user, case=case, **decide_form.cleaned_data)
            elif appeal_form.is_bound and appeal_form.is_valid():
                services.appeal_case(
                    actor=user, case=case, grounds=appeal_form.cleaned_data["grounds"]
                )
            elif appeal_decision_form.is_bound and appeal_decision_form.is_valid():
                services.decide_appeal(
                    actor=user,
                    case=case,
                    upheld=appeal_decision_form.cleaned_data["upheld"] == "yes",
                    reason=appeal_decision_form.cleaned_data["reason"],
                )
            else:
                raise DomainError("Check the form below.")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Recorded.")
            return redirect("members:case", case_id=case.pk)
        case = load_case(request.user, case_id)
    context = {
        "case": case,
        "can_decide": can_decide_case(user, case) and case.state == "open",
        "can_appeal": can_appeal_case(user, case)
        and case.state == "decided"
        and case.outcome != "no_action",
        "can_decide_appeal": can_decide_appeal(user, case) and case.state == "appealed",
        "decide_form": decide_form,
        "appeal_form": appeal_form,
        "appeal_decision_form": appeal_decision_form,
    }
    return render(request, "members/case.html", context)


@domain_view
def branch_members(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The branch list ordinary members see: only what the organisation chooses to share."""
    from iskra.organisation.permissions import load_unit

    unit = load_unit(request.user, unit_id)
    # The same answer as for a unit that does not exist: no oracle for who may list what.
    if not can_view_branch_members(request.user, unit):
        raise NotFound("No such unit.")
    if not unit.kind.holds_members:
        raise NotFound("This unit has no members of its own.")
    return render(
        request,
        "members/branch_members.html",
        {"unit": unit, "roster": selectors.branch_roster(unit), "share": Organisation.current()},
    )
