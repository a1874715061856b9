"""The server-drawn charts: labels escaped, numbers right, empty data, accessible names."""

from __future__ import annotations

import re

from django.template import Context, Template

from iskra.core import charts


def test_bar_chart_names_itself_and_scales_bars_to_the_largest() -> None:
    svg = charts.bar_chart([("Yes", 30), ("No", 10)], title="Result", chart_id="c1")
    assert svg.startswith(
        '<svg class="chart" role="img" aria-labelledby="c1-t" aria-describedby="c1-d"'
    )
    assert '<title id="c1-t">Result</title>' in svg
    assert "Yes: 30 votes; No: 10 votes" in svg
    widths = [float(w) for w in re.findall(r'<rect x="0" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] == 3 * widths[1]
    assert "Yes: 30 votes (75%)" in svg


def test_labels_are_escaped_everywhere() -> None:
    evil = '<script>alert("x")</script>&'
    for svg in (
        charts.bar_chart([(evil, 1)], title=evil),
        charts.stacked_chart([(evil, [1, 2])], series=[evil, "b"], title=evil),
        charts.progress_chart([(evil, 4, 2, 1)], title=evil),
    ):
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        assert "&amp;" in svg


def test_empty_data_draws_a_note_not_an_error() -> None:
    assert "No figures yet." in charts.bar_chart([], title="t")
    assert "No figures yet." in charts.stacked_chart([], series=[], title="t")
    assert "No figures yet." in charts.stacked_chart([("a", [0, 0])], series=["x", "y"], title="t")
    assert "No figures yet." in charts.progress_chart([], title="t")
    # All zero bars: no division by zero.
    assert "a: 0 votes" in charts.bar_chart([("a", 0)], title="t")


def test_stacked_segments_add_up_and_read_count_sheet_strings() -> None:
    svg = charts.stacked_chart(
        [("Stage 1", ["10.00000", "5.50000", None])], series=["A", "B", "C"], title="t"
    )
    assert "Stage 1, A: 10" in svg
    assert "Stage 1, B: 5.50" in svg
    assert "Stage 1, C" not in svg  # a zero segment is not drawn
    assert ">15.50</text>" in svg


def test_progress_is_capped_at_the_target() -> None:
    svg = charts.progress_chart([("Branch", 10, 20, 5)], title="t", chart_id="p")
    assert "50% of target" in svg
    assert "promised 20 of 10" in svg
    assert "Branch: target 10, promised 20, reported 5" in svg
    assert "no target set" in charts.progress_chart([("B", 0, 1, 1)], title="t")


def test_template_tags_draw_from_page_data() -> None:
    html = Template(
        "{% load iskra %}{% votes_chart q %}{% stages_chart sheet %}{% discussion_chart state %}"
    ).render(
        Context(
            {
                "q": {"question": "Adopt?", "votes": {"Yes": 3, "No": 1}, "blank": 1},
                "sheet": {
                    "candidates": ["Ann", "Bo"],
                    "stages": [
                        {"number": 1, "votes": {"Ann": "4", "Bo": "2"}},
                        {"number": 2, "votes": {"Ann": "6", "Bo": "0"}},
                    ],
                },
                "state": {
                    "groups": [],
                    "overall": {"branches": {"support": 2, "oppose": 1, "not_yet": 3}},
                },
            }
        )
    )
    assert "Result: Adopt?" in html
    assert "Blank: 1 votes" in html
    assert "Stage 2: Ann 6, Bo 0" in html
    assert "All: Support 2, Support if amended 0, Oppose 1, Not yet discussed 3" in html


def test_discussion_chart_draws_the_selectors_state() -> None:
    from iskra.motions.selectors import DiscussionState, Tally

    overall = Tally()
    overall.add("support", 10)
    overall.add("oppose", 4)
    html = Template("{% load iskra %}{% discussion_chart state %}").render(
        Context({"state": DiscussionState(overall=overall, groups=[])})
    )
    assert "All: Support 1, Support if amended 0, Oppose 1, Not yet discussed 0" in html
