import math
from pathlib import Path

import pandas as pd
import pytest

from pipeline.rdr import (
    RDRInputError,
    read_element_results,
    score_elements,
    score_indicator_verdicts,
    write_scores,
)

FIXTURES = Path(__file__).parent / "fixtures" / "rdr"
# Published scores have 2 decimals; one rounding unit is the most a score may differ by.
TOLERANCE = 0.01 + 1e-9
EDITIONS = [(2020, "2020-index"), (2022, "2022-big-tech-scorecard")]


def lookup(frame: pd.DataFrame, company: str, key: str, value: str) -> float:
    row = frame[(frame["company"] == company) & (frame[key] == value)]
    assert len(row) == 1
    return row["score"].iloc[0]


@pytest.fixture(scope="module")
def small():
    return score_elements(read_element_results(FIXTURES / "element-results.csv"))


# ----------------------------------------------------------------------------- RDR's published data


@pytest.fixture(scope="module", params=EDITIONS, ids=[str(y) for y, _ in EDITIONS])
def edition(request, shared_data):
    year, folder = request.param
    rdr = shared_data / "rdr"
    scores = score_elements(read_element_results(rdr / f"{year}-element-results.csv"))
    return year, rdr / folder, scores


def test_reproduces_published_indicator_and_family_scores(edition):
    year, folder, scores = edition
    published = pd.read_csv(folder / f"{year}-rdr-index-04-indicator-scores.csv")
    published["indicator"] = published["Indicator"].str.replace(r"^([GFP])0", r"\1", regex=True)
    ours = pd.concat([scores.indicators, scores.families.rename(columns={"family": "indicator"})])
    ours = ours.drop_duplicates(["company", "indicator"])
    merged = published.merge(
        ours, left_on=["Company", "indicator"], right_on=["company", "indicator"], how="left"
    )
    assert len(merged) == len(published) and merged["company"].notna().all()
    assert (merged["Score"].isna() == merged["score"].isna()).all()
    deviation = (merged["Score"] - merged["score"]).abs().max()
    assert deviation <= TOLERANCE
    assert set(ours["company"]) == set(published["Company"])


def test_reproduces_published_totals(edition):
    year, folder, scores = edition
    published = pd.read_csv(folder / f"{year}-rdr-index-03-total-scores.csv")
    merged = published.merge(scores.totals, left_on="Company", right_on="company", how="left")
    assert len(merged) == len(scores.totals) == len(published)
    assert (merged["Score"] - merged["score"]).abs().max() <= TOLERANCE


def test_reproduces_published_category_scores(edition):
    year, folder, scores = edition
    # Category scores are only in the overview file, keyed by company label.
    overview = pd.read_csv(folder / f"{year}-rdr-index-01-quick-overview.csv")
    labels = pd.read_csv(folder / f"{year}-rdr-index-03-total-scores.csv")[["Company", "CompanyLabel"]]
    overview = overview.merge(labels, left_on="Company", right_on="CompanyLabel", suffixes=("_label", ""))
    assert len(overview) == len(labels)
    ours = scores.categories.pivot(index="company", columns="category", values="score")
    for column, category in (("Governance", "G"), ("Freedom of Expression", "F"), ("Privacy", "P")):
        deviation = (overview.set_index("Company")[column] - ours[category]).abs()
        assert deviation.notna().all() and deviation.max() <= TOLERANCE, category


def test_total_is_mean_of_families_not_of_categories(shared_data):
    scores = score_elements(read_element_results(shared_data / "rdr" / "2022-element-results.csv"))
    assert lookup(scores.totals.assign(k="t"), "Alibaba", "k", "t") == pytest.approx(26.45)
    categories = scores.categories[scores.categories["company"] == "Alibaba"]["score"]
    assert categories.mean() == pytest.approx(21.22, abs=0.01)
    assert lookup(scores.categories, "Alibaba", "category", "G") == pytest.approx(8.45)


# ----------------------------------------------------------------------------- hand-made fixtures


def test_na_elements_are_left_out(small):
    # G1 of Plat: yes, NA, no at group level (opcom all NA) -> mean(100, 0), not 33.33
    assert lookup(small.indicators, "Plat", "indicator", "G1") == 50


def test_reversed_elements(small):
    # F11.01 "yes" (requires government ID) scores 0; F09.02 "no" (no zero-rating) scores 100
    assert lookup(small.indicators, "Plat", "indicator", "F11") == 0
    assert lookup(small.indicators, "Tel", "indicator", "F9") == 50


def test_scopes_use_the_right_levels(small):
    assert lookup(small.indicators, "Plat", "indicator", "G2") == 50  # full: group 100, services 0
    assert lookup(small.indicators, "Tel", "indicator", "G1") == 50  # company: group 100, opcom 0


def test_telecom_prepaid_and_postpaid_are_averaged_first(small):
    # prepaid 100, postpaid 0 -> mobile 50; broadband 100 -> services mean(50, 100) = 75, not 66.67
    assert lookup(small.indicators, "Tel", "indicator", "P13") == 75
    assert lookup(small.indicators, "Plat", "indicator", "P13") == 75  # yes, partial, NA


def test_whole_indicator_exclusions_by_company_type(small):
    assert math.isnan(lookup(small.indicators, "Plat", "indicator", "F9"))  # answered, but F9 is telecom-only
    assert math.isnan(lookup(small.indicators, "Tel", "indicator", "G6b"))  # appeals: platforms only
    assert math.isnan(lookup(small.families, "Tel", "family", "G6"))


def test_total_differs_from_mean_of_categories(small):
    # Plat families: G1 50, G2 50, F11 0, P13 75 -> total 43.75; categories G 50, F 0, P 75 -> 41.67
    assert lookup(small.totals.assign(k="t"), "Plat", "k", "t") == 43.75
    categories = small.categories[small.categories["company"] == "Plat"].set_index("category")["score"]
    assert categories.to_dict() == {"G": 50, "F": 0, "P": 75}
    assert categories.mean() != 43.75


def test_every_company_gets_every_indicator(small):
    assert len(small.indicators) == 2 * 58
    assert len(small.families) == 2 * 37
    assert set(small.categories["category"]) == {"G", "F", "P"}


def test_write_scores(small, tmp_path):
    paths = write_scores(small, tmp_path / "out")
    assert [p.name for p in paths] == ["indicator_scores.csv", "total_scores.csv"]
    indicators = pd.read_csv(paths[0])
    totals = pd.read_csv(paths[1])
    assert list(indicators.columns) == ["company", "indicator", "score"]
    assert len(indicators) == 2 * (58 + 12)  # leaves + family parents, like RDR's file
    assert list(indicators["indicator"][:6]) == ["G1", "G2", "G3", "G4", "G4a", "G4b"]
    assert list(totals.columns) == ["company", "category", "score"]
    assert list(totals["category"][:4]) == ["G", "F", "P", "total"]
    assert totals.set_index(["company", "category"]).loc[("Tel", "total"), "score"] == 58.33


def test_indicator_verdicts_use_the_same_aggregation():
    verdicts = pd.DataFrame({
        "company": ["A", "A", "A", "B", "B"],
        "company_type": ["internet", "internet", "internet", "telecom", "telecom"],
        "indicator": ["rdr.G1", "rdr.G4a", "rdr.F9", "rdr.P13", "rdr.G6b"],
        "result": ["yes", "partial", "yes", "yes", "yes"],
    })
    scores = score_indicator_verdicts(verdicts)
    assert lookup(scores.indicators, "A", "indicator", "G1") == 100
    assert lookup(scores.indicators, "A", "indicator", "G4a") == 50
    assert lookup(scores.indicators, "A", "indicator", "G4b") == 0  # no verdict: no disclosure found
    assert lookup(scores.families, "A", "family", "G4") == 10  # mean of G4a..G4e
    assert math.isnan(lookup(scores.indicators, "A", "indicator", "F9"))  # telecom-only
    assert math.isnan(lookup(scores.indicators, "B", "indicator", "G6b"))  # platform-only
    # A: families G1 100 + G4 10 over 35 applicable families (F9, F10 excluded)
    assert lookup(scores.totals.assign(k="t"), "A", "k", "t") == pytest.approx(round(110 / 35, 2))
    assert lookup(scores.categories, "B", "category", "P") == pytest.approx(round(100 / 16, 2))


# ----------------------------------------------------------------------------- bad input


def test_missing_file_is_named(tmp_path):
    with pytest.raises(RDRInputError, match=r"nope\.csv: file not found.*Result"):
        read_element_results(tmp_path / "nope.csv")


def test_missing_column_is_named():
    expected = r"missing-column\.csv: missing column\(s\) Result; .*Index, CompanyType"
    with pytest.raises(RDRInputError, match=expected):
        read_element_results(FIXTURES / "missing-column.csv")


def test_unknown_result_names_file_and_line():
    expected = r"bad-result\.csv line 3: Result 'maybe' is not one of yes, partial"
    with pytest.raises(RDRInputError, match=expected):
        read_element_results(FIXTURES / "bad-result.csv")


def test_empty_input_is_rejected(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(RDRInputError, match=r"empty\.csv: not a readable CSV"):
        read_element_results(empty)
    header_only = read_element_results(FIXTURES / "element-results.csv").iloc[:0]
    with pytest.raises(RDRInputError, match="no rows to score"):
        score_elements(header_only)


def test_unknown_element_is_named():
    results = read_element_results(FIXTURES / "element-results.csv")
    results.loc[0, "element"] = "G99.01"
    with pytest.raises(RDRInputError, match="G99.01"):
        score_elements(results)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"indicator": "rdr.G04a"}, "did you mean rdr.G4a"),
        ({"indicator": "rdr.G4"}, "rdr.G4 \\(not a scored RDR indicator\\)"),
        ({"result": "maybe"}, "verdicts row 0: result 'maybe' is not one of"),
        ({"company_type": "bank"}, "company_type 'bank' must be internet or telecom"),
    ],
)
def test_bad_verdicts(change, message):
    row = {"company": "A", "company_type": "internet", "indicator": "rdr.G1", "result": "yes"}
    verdicts = pd.DataFrame([{**row, **change}])
    with pytest.raises(RDRInputError, match=message):
        score_indicator_verdicts(verdicts)


def test_duplicate_and_missing_verdict_columns():
    row = {"company": "A", "company_type": "internet", "indicator": "rdr.G1", "result": "yes"}
    with pytest.raises(RDRInputError, match="more than one verdict for A × rdr.G1"):
        score_indicator_verdicts(pd.DataFrame([row, row]))
    with pytest.raises(RDRInputError, match="missing column\\(s\\) result"):
        score_indicator_verdicts(pd.DataFrame([row]).drop(columns="result"))
