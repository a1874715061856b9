from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "iskra.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # The index follows the source tables through their signals: search sits on top of
        # the apps it reads, and none of them knows it exists.
        from iskra.search import indexing

        indexing.connect_signals()
