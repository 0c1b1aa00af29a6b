"""Sample letters: ground truth is consistent, generation is deterministic, the committed set is complete."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image

from xinfang.core import idcard
from xinfang.samples import letters_dir, load_batches, load_index
from xinfang.samples.generate import generate_letters
from xinfang.samples.overlap import longest_common_substring, overlap_stats
from xinfang.samples.render.scan import KINDS, QUALITIES

OFFICE = json.loads((Path(__file__).resolve().parent.parent / "classifier/office/starter.json").read_text("utf-8"))
PURPOSES = {"求决", "申诉", "意见建议", "揭发控告", "咨询"}


@pytest.fixture(scope="module")
def letters() -> list[dict]:
    return generate_letters(2000, 3)


def test_generation_is_deterministic_and_seed_dependent():
    first, again = generate_letters(300, 5), generate_letters(300, 5)
    assert first == again
    assert [r["text"] for r in generate_letters(300, 6)] != [r["text"] for r in first]


def test_every_label_is_present_and_known_to_the_office(letters):
    categories = OFFICE["categories"]
    assert {r["category"] for r in letters} == set(categories)
    for r in letters:
        assert r["subcategory"] in categories[r["category"]]["subcategories"], r["subcategory"]
        assert r["department"] in OFFICE["departments"]
        assert r["purpose"] in PURPOSES
        assert r["form"] in OFFICE["forms"]
    assert {r["purpose"] for r in letters} == PURPOSES
    subs = Counter(r["category"] for r in letters)
    assert min(subs.values()) >= 20


def test_department_rules(letters):
    for r in letters:
        if r["subcategory"] == "村务管理" and r["purpose"] != "揭发控告":
            assert r["department"] == "乡镇人民政府"
        if r["subcategory"] in ("交通违章", "治安管理", "刑案侦破") and r["purpose"] != "揭发控告":
            assert r["department"] == "公安局"
        if r["subcategory"] in ("诉讼", "执行") and r["purpose"] != "揭发控告":
            assert r["department"] == "法院"
        if r["category"] == "纪检监察":
            assert r["department"] == "纪委监委"


def test_petitioner_fields_are_consistent_with_the_text(letters):
    styles = Counter()
    for r in letters:
        p = r["petitioner"]
        if r["anonymous"]:
            assert p is None and r["person_id"] is None and not r["cosigners"]
            continue
        assert idcard.is_valid(p["id_number"]), p["id_number"]
        assert re.fullmatch(r"1[3-9]\d{9}", p["phone"])
        assert p["name"] in r["text"]
        written = p["id_number_as_written"]
        if written:
            assert written in r["text"]
            normalised = idcard.normalize(written)
            styles["valid" if normalised == p["id_number"] else "wrong"] += 1
            assert normalised == p["id_number"] or not idcard.is_valid(normalised)
        else:
            styles["missing"] += 1
        if p["phone_as_written"]:
            assert p["phone_as_written"] in r["text"]
    assert styles["valid"] > styles["wrong"] > 0 and styles["missing"] > 0


def test_repeat_links_point_to_earlier_letters_of_the_same_petitioner(letters):
    position = {r["id"]: i for i, r in enumerate(letters)}
    by_id = {r["id"]: r for r in letters}
    repeats = [r for r in letters if r["repeat_of"]]
    assert len(repeats) > 100
    for r in repeats:
        earlier = by_id[r["repeat_of"]]
        assert position[earlier["id"]] < position[r["id"]]
        assert earlier["received"] < r["received"]
        assert earlier["matter_id"] == r["matter_id"]
        assert earlier["person_id"] == r["person_id"]
        if r["anonymous"]:
            assert earlier["anonymous"] and earlier["accused"] == r["accused"]
    grouped = [r for r in letters if r["same_matter_as"]]
    assert len(grouped) > 50
    for r in grouped:
        earlier = by_id[r["same_matter_as"]]
        assert position[earlier["id"]] < position[r["id"]]
        assert earlier["matter_id"] == r["matter_id"] and earlier["person_id"] != r["person_id"]
        assert earlier["same_matter_as"] is None and earlier["repeat_of"] is None


def test_hard_negatives_joint_and_urgent_letters_exist(letters):
    matters_per_person = Counter()
    for person, _matter in {(r["person_id"], r["matter_id"]) for r in letters if r["person_id"]}:
        matters_per_person[person] += 1
    assert sum(1 for n in matters_per_person.values() if n > 1) > 20
    joint = [r for r in letters if r["cosigners"]]
    assert joint and all(len(r["cosigners"]) >= 5 for r in joint)
    assert all(c["name"] in r["text"] for r in joint for c in r["cosigners"])
    assert 0 < sum(r["urgent"] for r in letters) < len(letters) // 4
    assert sum(r["anonymous"] for r in letters) > 50


def test_repeats_are_reworded_not_copied(letters):
    by_id = {r["id"]: r for r in letters}
    for r in [r for r in letters if r["repeat_of"]][:50]:
        common = longest_common_substring(r["text"], by_id[r["repeat_of"]]["text"])
        assert len(common) < 0.6 * min(len(r["text"]), len(by_id[r["repeat_of"]]["text"]))


def test_letters_of_one_category_do_not_share_long_runs(letters):
    stats = overlap_stats(letters, pairs=600, seed=1)
    assert stats["median"] <= 15 and stats["p95"] <= 28 and stats["max"] <= 60, stats


def test_longest_common_substring_is_exact():
    assert longest_common_substring("我们村的路坏了", "他们村的路修好了") == "们村的路"
    assert longest_common_substring("abc", "xyz") == ""
    assert longest_common_substring("a b\ncd", "bcd") == "bcd"


def test_lengths_vary_from_a_few_lines_to_long(letters):
    lengths = sorted(len(r["text"]) for r in letters)
    assert lengths[len(lengths) // 20] < 180 and lengths[-1] > 450


def test_dates_in_several_forms(letters):
    texts = "\n".join(r["text"] for r in letters[:300])
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", texts)
    assert re.search(r"二〇二[二三四]年", texts)
    assert re.search(r"\d{4}\.\d{1,2}\.\d{1,2}", texts)


# ---- the committed set --------------------------------------------------------------------------

def entry(sample_id: str) -> dict:
    return next(item for item in load_index() if item["id"] == sample_id)


def test_s0001_is_a_clean_printed_scan_with_plain_identity():
    item = entry("S0001")
    truth = item["truth"]
    assert item["kind"] == "printed" and item["quality"] == "clean" and item["pages"] == 1
    path = letters_dir() / item["scan"]
    assert path.suffix in (".png", ".jpg")
    with Image.open(path) as img:
        dpi = img.info.get("dpi", (0, 0))[0]
        assert 199 <= dpi <= 301
        assert 1600 <= img.width <= 2500
    p = truth["petitioner"]
    assert not truth["anonymous"] and idcard.is_valid(p["id_number"])
    assert p["name"] in truth["text"] and p["id_number"] in truth["text"] and p["phone"] in truth["text"]
    assert p["id_number_as_written"] == p["id_number"] and p["phone_as_written"] == p["phone"]


def test_s0002_is_the_angrier_repeat_of_s0001():
    first, second = entry("S0001"), entry("S0002")
    t1, t2 = first["truth"], second["truth"]
    assert second["kind"] == "printed" and second["quality"] == "clean" and second["pages"] == 1
    assert t2["repeat_of"] == "S0001" and t2["matter_id"] == t1["matter_id"]
    assert t2["petitioner"]["id_number"] == t1["petitioner"]["id_number"]
    assert t1["petitioner"]["id_number"] in t2["text"]
    assert t2["received"] > t1["received"] and t2["urgent"]
    assert t2["text"] != t1["text"]


def test_committed_set_covers_every_label_and_scan_kind():
    index = load_index()
    assert 50 <= len(index) <= 80
    truths = [i["truth"] for i in index]
    assert {t["category"] for t in truths} == set(OFFICE["categories"])
    assert {t["purpose"] for t in truths} == PURPOSES
    assert {i["kind"] for i in index} >= set(KINDS) | {"text"}
    assert {i["quality"] for i in index if i["scan"]} == set(QUALITIES)
    assert any(i["pages"] > 1 for i in index)
    assert sum(1 for t in truths if t["repeat_of"]) >= 5
    assert sum(1 for t in truths if t["same_matter_as"] and not t["repeat_of"]) >= 3
    assert any(t["anonymous"] for t in truths) and any(len(t["cosigners"]) >= 5 for t in truths)
    assert {"乡镇人民政府", "公安局", "法院", "纪委监委"} <= {t["department"] for t in truths}
    ids = [i["id"] for i in index]
    for i in index:
        assert (letters_dir() / (i["scan"] or i["file"])).exists()
        for key in ("repeat_of", "same_matter_as"):
            if i["truth"][key]:
                assert ids.index(i["truth"][key]) < ids.index(i["id"])
    size = sum(p.stat().st_size for p in letters_dir().iterdir())
    assert size < 20 * 1024 * 1024


def test_batches_match_their_pdfs():
    index_ids = {i["id"] for i in load_index()}
    batches = load_batches()
    assert {b["separators"] for b in batches} == {True, False}
    for batch in batches:
        assert set(batch["letters"]) <= index_ids
        pdf = pdfium.PdfDocument(str(letters_dir() / batch["file"]))
        used = [p for pages in batch["pages"] for p in pages]
        assert used == sorted(used) and max(used) < len(pdf)
        expected = len(used) + (len(batch["letters"]) - 1 if batch["separators"] else 0)
        assert len(pdf) == expected
        pdf.close()


def test_cli_generates_a_set(tmp_path):
    from xinfang.commands.samples import samples_group

    result = CliRunner().invoke(samples_group, ["generate", "--count", "40", "--seed", "9", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "letters.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 40
    assert [json.loads(line) for line in lines] == generate_letters(40, 9)
