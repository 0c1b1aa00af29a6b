from xinfang.core.privacy import can_view, mask_id_number, mask_phone, unit_matches
from xinfang.models import Letter, Suggestion, User


def test_masks_keep_only_what_identifies_the_record_for_a_clerk():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("138 0013 8000") == "138****8000"
    assert mask_phone("0371-6555 1234") == "037****1234"
    assert mask_id_number(None) is None


def test_unit_names_match_in_short_and_long_forms():
    assert unit_matches("清河县住房和城乡建设局", "县住房和城乡建设局")
    assert unit_matches("清河镇人民政府", "清河镇政府")
    assert not unit_matches("清河县民政局", "清河县公安局")


def _report(accused: str, purpose: str = "揭发控告") -> Letter:
    letter = Letter(fields={"accused": {"value": accused, "confidence": 0.8}})
    letter.suggestions = [Suggestion(purpose=purpose, model_version="t")]
    return letter


def test_a_report_is_hidden_from_the_accused_unit_only():
    accused = User(username="a", role="reviewer", unit="清河镇人民政府")
    other = User(username="b", role="reviewer", unit="清河县民政局")
    letter = _report("清河镇政府")
    assert not can_view(accused, letter)
    assert can_view(other, letter)
    assert can_view(User(username="c", role="reviewer"), letter)


def test_a_request_naming_the_unit_is_not_hidden():
    user = User(username="a", role="reviewer", unit="清河镇人民政府")
    assert can_view(user, _report("清河镇政府", purpose="求决"))
