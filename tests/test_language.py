import time

import pytest

from pipeline.extract import detect_language
from pipeline.extract.language import SAMPLE_CHARS, UNDETERMINED, _sample

SAMPLES = {
    "en": "We collect the information you give us when you create an account, and we never sell it. "
          "You can ask us to delete your data at any time from your account settings.",
    "fr": "Nous collectons les informations que vous nous fournissez lorsque vous créez un compte, et nous "
          "ne les vendons jamais. Vous pouvez nous demander de supprimer vos données à tout moment.",
    "de": "Wir erheben die Angaben, die Sie uns bei der Einrichtung eines Kontos machen, und verkaufen sie "
          "niemals. Sie können jederzeit verlangen, dass wir Ihre Daten löschen.",
    "zh": "我们会收集您在注册账户时提供的信息，我们绝不会出售这些信息。您可以随时要求我们删除您的个人数据。",
    "ko": "회사는 회원 가입 시 이용자가 제공한 정보를 수집하며, 이를 판매하지 않습니다. 이용자는 언제든지 개인정보의 삭제를 요청할 수 있습니다.",
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_languages_are_recognised_with_confidence(code):
    language, confidence = detect_language(SAMPLES[code])
    assert language == code
    assert 0.5 < confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   \n ", "p. 12", "Privacy", "https://example.com/privacy 2024-01-01"])
def test_too_little_text_is_undetermined(text):
    assert detect_language(text) == (UNDETERMINED, 0.0)


def test_urls_and_numbers_do_not_make_a_text_english():
    text = SAMPLES["de"] + " https://www.example.com/en/privacy/policy/2024 hello@example.com 0800 330 1000"
    assert detect_language(text)[0] == "de"


def test_an_english_banner_does_not_outvote_a_french_document():
    text = "Accept all cookies. Manage settings. English | Français\n\n" + (SAMPLES["fr"] + "\n\n") * 200
    assert detect_language(text)[0] == "fr"


def test_large_documents_are_sampled():
    text = (SAMPLES["en"] + "\n\n") * 30_000  # ~5 MB
    sample = _sample(text)
    assert len(sample) <= SAMPLE_CHARS + 10
    detect_language(SAMPLES["en"])  # loads the model (~0.8 s), once per process
    started = time.perf_counter()
    assert detect_language(text)[0] == "en"
    assert time.perf_counter() - started < 1.0  # the model is loaded already; classifying ~5 kB takes ~1 ms


def test_unsure_or_undetermined_languages_are_read_rather_than_set_aside():
    from pipeline.extract.language import readable

    assert readable("en", 0.99, ("en",)) and not readable("fr", 0.95, ("en",))
    assert readable("pl", 0.14, ("en",))  # "Privacy Policy | Acme" is not Polish
    assert readable("und", 0.0, ("en",)) and readable("", None, ("en",))
    assert readable("fr", 0.95, ("en", "fr"))


def test_an_unsure_detection_is_read_below_the_configured_confidence_only():
    from pipeline.extract.language import readable

    assert readable("fr", 0.6, ("en",)) is False  # sure enough: a French document is not read
    assert readable("fr", 0.6, ("en",), min_confidence=0.7) is True  # a guess at 0.7: read anyway
