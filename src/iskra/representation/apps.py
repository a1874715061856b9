from django.apps import AppConfig


class RepresentationConfig(AppConfig):
    name = "iskra.representation"
    label = "representation"
    verbose_name = "Representation and recall"

    def ready(self) -> None:
        from iskra.ballots.signals import ballot_counted
        from iskra.meetings.signals import meeting_called, vote_counted
        from iskra.motions.signals import motion_carried
        from iskra.organisation.signals import seat_appointing
        from iskra.representation.receivers import (
            check_mandates,
            check_reserved_places,
            place_report_backs,
            settle_no_confidence,
            settle_recall_ballot,
        )

        ballot_counted.connect(settle_recall_ballot, dispatch_uid="representation.recall")
        motion_carried.connect(settle_no_confidence, dispatch_uid="representation.no_confidence")
        vote_counted.connect(check_mandates, dispatch_uid="representation.mandates")
        meeting_called.connect(place_report_backs, dispatch_uid="representation.report_backs")
        seat_appointing.connect(check_reserved_places, dispatch_uid="representation.reserved")
