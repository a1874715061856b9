from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "iskra.decisions"
    label = "decisions"
    verbose_name = "Decisions"

    def ready(self) -> None:
        from iskra.decisions.receivers import record_carried_motion
        from iskra.motions.signals import motion_carried

        motion_carried.connect(record_carried_motion, dispatch_uid="decisions.record_decision")
