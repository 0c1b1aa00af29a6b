"""Field extractors on awkward cases: spaced/full-width/misread numbers, place abbreviations, odd dates."""

import json
from datetime import date
from pathlib import Path

import pytest

from xinfang.core import idcard
from xinfang.intake.fields import Places, extract_fields
from xinfang.intake.fields.dates import cn_int, find_dates
from xinfang.intake.fields.money import amount_field
from xinfang.intake.normalize import normalize_text

PLACES = Path(__file__).resolve().parent.parent / "samples" / "places.json"
ID = idcard.make("371523", date(1980, 4, 23), 569)  # 371523198004235695


@pytest.fixture(scope="module")
def places() -> Places:
    return Places.from_file(PLACES)


def fields(text: str, places: Places | None = None) -> dict:
    return extract_fields(normalize_text(text), places)


def test_result_is_json_and_has_contract_keys(places):
    out = fields(f"信访人：王五，男，身份证号：{ID}，电话：13800138000，住址：清河县柳林镇大王庄村3组\n2023年11月6日", places)
    json.dumps(out, ensure_ascii=False)
    for key in ("name", "id_number", "phone", "address", "township", "village", "date_written", "incident_dates",
                "cosigners", "cosigner_count", "addressee", "accused", "amounts", "urgency", "anonymous"):
        assert {"value", "confidence", "span"} <= set(out[key]), key
    assert out["name"]["value"] == "王五"
    assert out["id_number"]["value"] == ID
    assert out["phone"]["value"] == "13800138000"
    assert out["township"]["value"] == "柳林镇" and out["village"]["value"] == "大王庄村"
    assert out["address"]["value"].startswith("清河县柳林镇大王庄村")


def test_span_points_at_the_value():
    text = normalize_text(f"具名：欧阳明月\n身份证号：{ID}")
    out = extract_fields(text, None)
    a, b = out["name"]["span"]
    assert text[a:b] == "欧阳明月"
    a, b = out["id_number"]["span"]
    assert text[a:b] == ID


@pytest.mark.parametrize("written", [ID, " ".join(ID[i:i + 4] for i in range(0, 18, 4)),
                                     ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                                     f"{ID[:6]} {ID[6:14]} {ID[14:]}"])
def test_id_number_written_many_ways(written):
    assert fields(f"身份证号：{written}")["id_number"]["value"] == ID


def test_id_lookalike_repaired_with_note():
    text = "身份证号码：" + ID[:9] + "B" + ID[10:]  # 8 at position 10 read as B, then not folded by normalise
    out = extract_fields(text, None)
    assert out["id_number"]["value"] == ID
    assert "校正" in out["id_number"]["note"]


def test_id_region_digit_repaired_only_with_places(places):
    wrong = "371223" + ID[6:]
    assert fields(f"身份证号：{wrong}")["id_number"]["value"] is None
    out = fields(f"身份证号：{wrong}", places)
    assert out["id_number"]["value"] == ID and "第4位" in out["id_number"]["note"]


def test_invalid_id_kept_in_items_not_value():
    bad = ID[:10] + str((int(ID[10]) + 1) % 10) + ID[11:]
    out = fields(f"身份证号：{bad}")
    assert out["id_number"]["value"] is None
    assert out["id_number"]["items"][0]["valid"] is False


def test_phone_never_read_inside_id_number():
    out = fields(f"身份证号：{ID}")
    assert out["phone"]["value"] is None


@pytest.mark.parametrize("written,digits", [("131 1824 9431", "13118249431"), ("177-7785-2145", "17777852145"),
                                            ("0539-8123456", "05398123456"), ("l39O0l38000", "13900138000")])
def test_phone_forms(written, digits):
    assert fields(f"联系电话：{written}")["phone"]["value"] == digits


def test_petitioner_phone_not_a_cosigners(places):
    text = "来信人：万淑珍\n联名群众签字：白金凤、向梓萱（18107806320）、唐辉（13214255770）、刘德胜、李美玲\n电话：13907521979"
    out = fields(text, places)
    assert out["phone"]["value"] == "13907521979"
    assert out["name"]["value"] == "万淑珍"
    assert [c["name"] for c in out["cosigners"]["value"]] == ["白金凤", "向梓萱", "唐辉", "刘德胜", "李美玲"]
    assert out["cosigners"]["value"][1]["phone"] == "18107806320"
    assert out["cosigner_count"]["value"] == 5


@pytest.mark.parametrize("text,name", [
    ("我叫张三，家住清河镇", "张三"), ("我是清河镇前屯村村民李四，", "李四"), ("本人肖少华，城关镇新华社区人。", "肖少华"),
    ("我们是后屯村的9户村民，由万淑珍代表大家写这封信。", "万淑珍"), ("此致\n敬礼\n署名： 司马光明\n2023.1.2", "司马光明"),
])
def test_names_after_cues(text, name):
    assert fields(text)["name"]["value"] == name


@pytest.mark.parametrize("text", ["我是马桥村的村民，反映情况。", "我是柳林镇人。", "县住建局领导：由于村里修路"])
def test_places_and_offices_are_not_names(text, places):
    assert fields(text, places)["name"]["value"] is None


def test_anonymous_letter(places):
    out = fields("县长：\n我是韩庄村的一名普通群众，因为怕被打击报复，不敢写名字。\n此致\n敬礼\n知情人\n22年12月27号", places)
    assert out["anonymous"]["value"] is True
    assert out["name"]["value"] is None
    assert out["township"]["value"] == "白马乡" and out["village"]["value"] == "韩庄村"
    assert out["date_written"]["value"] == "2022-12-27"
    assert out["addressee"]["value"] == "县长"


def test_place_abbreviations_prefer_township_containing_village(places):
    out = fields("我家在柳林大王庄，村里的地被占了。", places)
    assert out["village"]["value"] == "大王庄村" and out["township"]["value"] == "柳林镇"
    out = fields("我是前屯的村民。", places)
    assert out["township"]["value"] == "清河镇" and out["village"]["value"] == "前屯村"


def test_county_name_is_not_qinghe_township(places):
    out = fields("清河县信访局：我住在县城，反映物业问题。", places)
    assert out["township"]["value"] is None


@pytest.mark.parametrize("raw,iso", [("2023年11月6日", "2023-11-06"), ("二〇二三年十一月六日", "2023-11-06"),
                                     ("二〇二三年十二月二十八日", "2023-12-28"), ("2023.11.6", "2023-11-06"),
                                     ("2023-11-06", "2023-11-06"), ("23年7月31号", "2023-07-31"),
                                     ("2023年01月04日", "2023-01-04"), ("2023/2/8", "2023-02-08")])
def test_date_forms(raw, iso):
    assert [d["value"] for d in find_dates(raw)] == [iso]


def test_impossible_date_rejected_and_written_date_is_last():
    assert find_dates("2023年2月30日") == []
    out = fields("我2022年5月1日就反映过，至今没有答复。\n此致\n敬礼\n具名：张三\n2023年11月6日")
    assert out["date_written"]["value"] == "2023-11-06"
    assert out["incident_dates"]["value"] == ["2022-05-01"]


def test_cn_int():
    assert (cn_int("二十六"), cn_int("十一"), cn_int("十"), cn_int("二〇二三")) == (26, 11, 10, 2023)


def test_amounts():
    values = amount_field("欠我工资3000元，补偿款1.2万元，还有三千五百块，共计二十万元")["value"]
    assert values == [3000.0, 12000.0, 3500.0, 200000.0]


@pytest.mark.parametrize("text,urgent", [("再没人管，我就到县政府门口喝农药，死给你们看。", True),
                                         ("大不了跟他们同归于尽。", True), ("逼急了我就带着全家去北京。", True),
                                         ("我绝不会去自杀，只想讨个说法。", False), ("请尽快解决。", False)])
def test_urgency(text, urgent):
    out = fields(text)
    assert out["urgency"]["value"] is urgent
    assert bool(out["urgency"]["items"]) is urgent


def test_accused_person_and_company():
    out = fields("我要举报邻居姜小燕，违规操作。泰和养殖股份有限公司把污水直接排进河里。对举报人的信息严格保密。")
    assert out["accused"]["value"] == ["邻居姜小燕", "泰和养殖股份有限公司"]


def test_cosigner_table_with_numbers_ids_and_phones():
    other = idcard.make("371523", date(1975, 1, 9), 12)  # ends in X
    text = (f"县信访局：\n我们是马桥镇石桥村村民，反映村干部问题。\n联名人：\n1. 张建国 {other} 13800138000\n"
            "2. 李秀英 13900139000\n3. 王德福\n4. 赵小红\n5. 孙大伟\n此致\n敬礼\n代表人 姓名：刘长顺 电话：0539-8123456\n2023年3月5日")
    out = fields(text)
    signers = out["cosigners"]["value"]
    assert signers[0] == {"name": "张建国", "id_number": other, "phone": "13800138000"}
    assert [s["name"] for s in signers] == ["张建国", "李秀英", "王德福", "赵小红", "孙大伟"]
    assert out["cosigner_count"]["value"] == 5
    assert out["name"]["value"] == "刘长顺"
    assert out["phone"]["value"] == "05398123456"
    assert out["id_number"]["value"] is None  # a co-signer's number is not the petitioner's


def test_ocr_damaged_signature_block():
    raw = (f"具 名 : 张 三\n身 份 证 号 : {ID[:4]} {ID[4:8]} {ID[8:12]} {ID[12:16]} {ID[16:]}".replace("0", "O")
           + "\n电 话 : l39 OO13 8OOO\n二〇二三年十一月六曰")
    out = fields(raw)
    assert out["name"]["value"] == "张三"
    assert out["id_number"]["value"] == ID
    assert out["phone"]["value"] == "13900138000"
    assert out["date_written"]["value"] == "2023-11-06"


@pytest.mark.parametrize("text", ["本人和妻子一直在外地打工。", "本人向县里反映过多次。", "我是高家洼村的。", "本人于2023年退休。"])
def test_running_text_after_cue_is_not_a_name(text, places):
    assert fields(text, places)["name"]["value"] is None


def test_inline_registration_line(places):
    out = fields(f"信访人：王五（男，52岁），身份证号：{ID}，电话：13800138000，住址：清河县马桥镇孙楼村5组", places)
    assert (out["name"]["value"], out["village"]["value"], out["township"]["value"]) == ("王五", "孙楼村", "马桥镇")


def test_village_one_char_misread_after_its_township(places):
    out = fields("住址：清河县白马乡石内村5组54号。", places)
    assert out["township"]["value"] == "白马乡"
    assert out["village"]["value"] == "石门村" and "校正" in out["village"]["note"]
    assert fields("住址：清河县白马乡石头沟村。", places)["village"]["value"] is None
