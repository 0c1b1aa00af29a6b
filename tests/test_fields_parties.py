"""住址 and 被反映对象 on the cases seen wrong at the desk: an address that ran into the addressee, a company
named after the verb that demands something of it (责令…), and words that are not parties (如下, 无果)."""

from xinfang.intake.fields import extract_fields
from xinfang.intake.fields.parties import accused_field, address_field
from xinfang.intake.normalize import normalize_text


def test_address_stops_before_the_addressee():
    text = "住址：清河县城关镇解放路67号清河县信访局：我反映一个问题。"
    assert address_field(text)["value"] == "清河县城关镇解放路67号"
    text = "我家住柳林镇大王庄村3组县委县政府领导：你们好"
    assert address_field(text)["value"] == "柳林镇大王庄村3组"


def test_address_span_covers_only_the_address():
    text = normalize_text("住址：清河县城关镇解放路67号清河县信访局：我反映拖欠工资问题。")
    out = extract_fields(text)
    start, end = out["address"]["span"]
    assert text[start:end] == "清河县城关镇解放路67号"


def test_address_keeps_addresses_that_end_in_a_unit_word():
    # A family compound of a bureau is an address, not an addressee.
    text = "住址：柳城街道文昌社区粮食局家属院2号楼3单元402室，电话13800138000"
    assert address_field(text)["value"] == "柳城街道文昌社区粮食局家属院2号楼3单元402室"


def test_accused_drops_the_verb_before_a_company():
    out = accused_field("请县里责令临川腾飞建筑劳务公司立即支付工资。", set())
    assert out["value"] == "临川腾飞建筑劳务公司"
    out = accused_field("希望督促恒安物业公司整改。", set())
    assert out["value"] == "恒安物业公司"


def test_accused_ignores_words_that_are_not_parties():
    assert accused_field("现将有关情况反映如下：村里修路占了我家地。", set())["value"] in ([], None)
    assert accused_field("我多次向镇里反映无果，只好写信。", set())["value"] in ([], None)
    assert accused_field("多次反映未果，至今没有答复。", set())["value"] in ([], None)


def test_accused_still_finds_a_named_official():
    out = accused_field("我要举报柳林镇副镇长周海涛的违纪问题。", set())
    assert out["value"] == "柳林镇副镇长周海涛"
