"""Star levels by cumulative hours (星级志愿者): thresholds from the settings, exact in tenths."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from station_tui.domain.hours import DEFAULT_STAR_HOURS, next_star_tenths, star_level, star_marks
from station_tui.settings_model import Settings


@pytest.mark.parametrize(
    ("tenths", "stars", "missing"),
    [(0, 0, 1000), (999, 0, 1), (1000, 1, 2000), (2999, 1, 1), (3000, 2, 3000), (14999, 4, 1), (15000, 5, None)],
)
def test_default_thresholds_100_300_600_1000_1500(tenths: int, stars: int, missing: int | None) -> None:
    assert star_level(tenths) == stars
    assert next_star_tenths(tenths) == missing
    assert star_marks(stars) == "★" * stars + "☆" * (5 - stars)


def test_a_county_sets_its_own_thresholds() -> None:
    assert Settings().star_thresholds_hours == list(DEFAULT_STAR_HOURS)
    own = Settings(star_thresholds_hours=[50, 200, 500])
    assert star_level(600, own.star_thresholds_hours) == 1 and star_marks(1, 3) == "★☆☆"
    for wrong in ([], [300, 100], [100, 100], [0, 100]):
        with pytest.raises(ValidationError, match="由小到大"):
            Settings(star_thresholds_hours=wrong)
