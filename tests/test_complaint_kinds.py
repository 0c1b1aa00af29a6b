"""The complaint-kind lexicon is office data: the starter's section, an office's own kinds reaching a pair's
`same_kind` the way the pipeline passes them, and a bad section refused with the kind named."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.test_repeats_unit import fields
from xinfang.classifier.routing_table import STARTER, load_office, save_office, validate_office
from xinfang.core.errors import OfficeDataError
from xinfang.intake.stages import find_letter_repeats, office_gazetteer, office_lexicon, write_repeats
from xinfang.matching import kinds, store
from xinfang.matching.score import pair_features
from xinfang.models import Letter, Status
from xinfang.models.db import session_scope
from xinfang.models.repeat_index import RepeatSignature

# Two neighbours about one mast on their roof: no word of the starter's kinds, so only an office kind ties them.
MAST = "我们锦华苑小区楼顶新装了移动信号塔，基站辐射很大，老人孩子担心辐射影响健康，要求拆除信号塔。"
MAST_NEIGHBOUR = "锦华苑楼顶的基站天天有辐射，我家就在信号塔下面，请求有关部门检测辐射并迁走基站。"


def starter_data() -> dict:
    return json.loads(STARTER.read_text(encoding="utf-8"))


def test_the_starter_office_file_holds_the_lexicon_and_is_the_fallback() -> None:
    starter = kinds.starter()
    assert len(starter.names) == 26 and starter.names[:3] == ["漏水", "欠薪", "工程款"]
    assert kinds.of_office(load_office(STARTER)) is starter  # one compiled version per content
    office = load_office(STARTER)
    office.complaint_kinds = None  # an office file written before the section existed
    assert kinds.of_office(office) is starter
    assert kinds.kinds("道路坑坑洼洼，雨天泥泞") == ["道路"]
    assert kinds.kinds(MAST) == [] and kinds.kinds(MAST_NEIGHBOUR) == []


def _letter(session, text: str, name: str, day: date) -> Letter:
    letter = Letter(received_date=day, text=text, fields=fields(name), status=Status.review, petitioner_name=name)
    session.add(letter)
    session.flush()
    return letter


def test_an_office_kind_reaches_same_kind_the_way_the_pipeline_passes_it(settings) -> None:
    """The office adds a kind to its own file; the stages the pipeline runs (`office_lexicon`,
    `find_letter_repeats`, `write_repeats`) index the first letter with it, and the pair of the second letter
    and the stored first one has `same_kind`."""
    assert office_lexicon(settings) is kinds.starter()  # no office file yet: the starter's
    data = starter_data()
    data["complaint_kinds"]["信号塔"] = ["信号塔", "基站"]
    save_office(data, settings.data_dir)
    lexicon = office_lexicon(settings)
    assert lexicon.names[-1] == "信号塔"
    with session_scope(settings.database_url) as session:
        first = _letter(session, MAST, "周桂兰", date(2025, 3, 1))
        write_repeats(session, first, find_letter_repeats(session, first, office_gazetteer(settings), lexicon))
        assert session.get(RepeatSignature, first.id).entities["kinds"] == ["信号塔"]
        second = _letter(session, MAST_NEIGHBOUR, "陈建国", date(2025, 3, 9))
        found = find_letter_repeats(session, second, office_gazetteer(settings), office_lexicon(settings))
        (earlier,) = store.load_candidates(session, [first.id])
        pair = pair_features(found.features.sig, found.features.entities, earlier)
        assert pair["same_kind"] == 1.0 and pair["other_kind"] == 0.0 and pair["kinds"] == ["信号塔"]
        # without the office's kind the same two letters say nothing about their kind
        plain = find_letter_repeats(session, second, office_gazetteer(settings))
        assert pair_features(plain.features.sig, plain.features.entities, earlier)["same_kind"] == 0.0

    # an edit is used from the next letter on: 辐射 becomes a word of the office's kind
    data["complaint_kinds"]["信号塔"].append("辐射")
    save_office(data, settings.data_dir)
    assert kinds.kinds("辐射超标", office_lexicon(settings)) == ["信号塔"]


@pytest.mark.parametrize(("section", "says"), [
    ({"漏水": []}, "complaint_kinds「漏水」没有词语"),
    ({"噪音": ["噪音", "  "]}, "complaint_kinds「噪音」中有空词语"),
    ({"污染": "污染"}, "complaint_kinds「污染」应是词语列表"),
    ({"污染": ["粉尘", 3]}, "complaint_kinds「污染」应是词语列表"),
    ({"违建": ["违建", " 加盖"]}, "complaint_kinds「违建」中的“ 加盖”"),
    (["漏水", "噪音"], "complaint_kinds 应是"),
])
def test_a_bad_complaint_kinds_section_is_refused_naming_the_kind(tmp_path, section, says) -> None:
    data = starter_data()
    assert validate_office(data) == []
    data["complaint_kinds"] = section
    path = tmp_path / "office.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(OfficeDataError) as raised:
        load_office(path)
    assert says in raised.value.message
    with pytest.raises(OfficeDataError):
        save_office(data, tmp_path)
