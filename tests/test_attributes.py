import pytest

from pipeline.model import attributes


@pytest.mark.parametrize("text", [
    "We intend to roll out supplier audits in the coming year.",
    "The company will introduce modern slavery training for procurement staff.",
    "We are in the process of developing a grievance mechanism.",
    "By 2025 all tier 1 suppliers will have signed the code of conduct.",
    "We have not yet assessed the effectiveness of these actions.",
])
def test_future_plans_are_detected(text):
    assert attributes.is_future(text)


@pytest.mark.parametrize("text", [
    "In 2023 we audited 45 suppliers and found two cases of excessive overtime.",
    "All employees completed the training during the reporting period.",
    "The following steps were taken to assess risk.",
])
def test_past_measures_are_not_future(text):
    assert not attributes.is_future(text)


@pytest.mark.parametrize("text", [
    "We do not currently conduct audits of our suppliers.",
    "No instances of forced labour were identified in our supply chain.",
    "The company has not taken any remediation measures.",
    "PrairieSky doesn't operate any wells.",
])
def test_negative_statements_are_detected(text):
    assert attributes.is_negative(text)


@pytest.mark.parametrize("text", [
    "We do not tolerate forced labour in any form.",
    "Our code covers issues including, but not limited to, child labour.",
    "We audited 45 suppliers this year.",
])
def test_prohibitions_and_affirmations_are_not_negative(text):
    assert not attributes.is_negative(text)


def test_detect_returns_both_flags_per_text():
    out = attributes.detect(["We will launch a hotline.", "We do not share data."])
    assert out == [{"future": True, "negative": False}, {"future": False, "negative": True}]
