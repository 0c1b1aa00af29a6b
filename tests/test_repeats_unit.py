"""Pure logic of repeat detection: identity normalisation, fuzzy names, text similarity, decisions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from xinfang.core.idcard import make
from xinfang.matching.features import compute, gazetteer
from xinfang.matching.identity import compare, letter_identity, name_variants, normalize_id, normalize_phone
from xinfang.matching.kinds import agreement, kinds
from xinfang.matching.score import (
    Candidate,
    _passes,
    _proper,
    anchor_tier,
    decide,
    explain,
    link_tier,
    matter_score,
    pair_features,
    same_matter_anchor,
    shared_area,
    two_firms,
)
from xinfang.matching.stage import implication
from xinfang.matching.text import jaccard

ID = make("371523", date(1968, 3, 5), 123)
FACTORY = ("我们是柳林镇大王庄村村民。村东头的宏达化工有限公司从2021年起每天夜里排放刺鼻废气，"
           "污水直接排进村南的小河，河里的鱼全死了，村里很多老人咳嗽不止。我们多次找过镇政府，"
           "一直没有人来处理。请求县里责令宏达化工有限公司停产整改，并赔偿村民损失3万元。")
FACTORY_REWORDED = ("我再次反映：大王庄村东边的宏达化工有限公司半夜偷排废气，味道刺鼻，污水排到村南小河，"
                    "鱼都死光了，老人们天天咳嗽。2021年以来找了镇政府好几次，至今无人处理！"
                    "强烈要求责令宏达化工有限公司停产整改，赔偿村民损失3万元。")
WAGES = ("我在马桥镇石桥村的鑫源建筑工地干活，2022年包工头拖欠我们12个工人工资共计8.6万元，"
         "多次讨要无果。请求劳动部门帮助追回拖欠的工资。")


def fields(name=None, id_number=None, phone=None, address=None, township=None, cosigners=None,
           accused=None, anonymous=None):
    out = {}
    for key, value in (("name", name), ("id_number", id_number), ("phone", phone), ("address", address),
                       ("township", township), ("cosigners", cosigners), ("accused", accused),
                       ("anonymous", anonymous)):
        if value is not None:
            out[key] = {"value": value, "confidence": 0.9}
    return out


SAMPLE_PLACES = Path(__file__).resolve().parents[1] / "samples" / "places.json"


def candidate(letter_id, text, flds, stage=None, group=None, places=None):
    feats = compute(text, flds) if places is None else compute(text, flds, places=places)
    return Candidate(letter_id, feats.sig, feats.identity, feats.entities, text, stage, group, None)


def test_id_number_normalised_from_full_width_spaces_and_one_lookalike():
    assert normalize_id(" ".join([ID[:6], ID[6:14], ID[14:]]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == ID
    if ID[9] != "8":
        assert normalize_id(ID[:9] + "B" + ID[10:]) == ID
    assert normalize_id(ID[:17] + ("1" if ID[17] != "1" else "2")) is None  # wrong check digit: dropped


def test_phone_normalised():
    assert normalize_phone("１３８ ０５３８-１２３４") == "13805381234"
    assert normalize_phone("+86 138 0538 1234") == "13805381234"
    assert normalize_phone("无") is None


def test_names_one_character_apart_share_one_wildcard_key():
    shared = set(name_variants("张秀英")) & set(name_variants("张秀瑛"))
    assert shared == {"张秀*"}
    assert not set(name_variants("张秀英")) & set(name_variants("李建国"))


def test_identity_matches_by_id_phone_and_fuzzy_name_with_abbreviated_address():
    a = letter_identity(fields("张秀英", ID, "13805381234", "清河县柳林镇大王庄村3组"), known_places=["柳林", "大王庄"])
    b = letter_identity(fields("张秀英", ID.replace(ID[:6], ID[:6])), known_places=["柳林", "大王庄"])
    assert compare(b, a)[0] == "身份证号相同"
    c = letter_identity(fields("张秀瑛", None, None, "大王庄"), known_places=["柳林", "大王庄"])
    assert compare(c, a)[0] == "姓名+地址相近"
    d = letter_identity(fields("张秀瑛", None, None, "马桥镇石桥村"), known_places=["柳林", "大王庄", "马桥", "石桥"])
    assert compare(d, a) is None
    e = letter_identity(fields("张秀英", None, "138 0538 1234"), known_places=[])
    assert compare(e, a)[:2] == ("手机号相同", 0.9)
    family = letter_identity(fields("王强", None, "138 0538 1234"), known_places=[])  # a son's phone in her letter
    assert compare(family, a)[:2] == ("手机号相同，姓名不同（可能是家人）", 0.6)


def test_two_different_valid_id_numbers_are_two_people_even_with_the_same_name():
    other = make("371523", date(1970, 1, 1), 7)
    a = letter_identity(fields("张秀英", ID, None, "大王庄村"), known_places=["大王庄"])
    b = letter_identity(fields("张秀英", other, None, "大王庄村"), known_places=["大王庄"])
    assert compare(a, b) is None


def test_cosigner_of_a_joint_letter_counts():
    joint = letter_identity(fields("李建国", cosigners=[{"name": "王桂兰", "id_number": ID}, "赵四海"]),
                            known_places=[])
    single = letter_identity(fields("王桂兰", ID), known_places=[])
    assert "联名信" in compare(single, joint)[0]


def test_anonymous_reports_on_the_same_party_match():
    a = letter_identity(fields(accused="柳林镇副镇长刘某"), known_places=[])
    b = letter_identity(fields(accused="柳林镇副镇长 刘某", anonymous=True), known_places=[])
    assert a.anonymous and b.anonymous
    assert compare(a, b)[0] == "匿名件：被反映对象相同"


def test_rewording_keeps_similarity_and_identity_lines_do_not_count():
    first = compute(FACTORY, fields("张秀英", ID))
    again = compute(FACTORY_REWORDED, fields("张秀英", ID))
    other = compute(WAGES, fields("张秀英", ID))
    assert jaccard(first.sig, again.sig) > jaccard(first.sig, other.sig) + 0.1
    assert first.entities.units == again.entities.units == ["宏达化工"]
    signed = "信访人：张秀英，身份证号：" + ID + "\n"
    assert jaccard(compute(signed + WAGES, fields("张秀英", ID)).sig, first.sig) < 0.1


def test_second_letter_of_same_person_same_matter_is_a_repeat_of_the_first():
    earlier = candidate(1, FACTORY, fields("张秀英", ID), stage="办理", group=7)
    feats = compute(FACTORY_REWORDED, fields("张秀英", ID))
    decisions = decide(2, FACTORY_REWORDED, feats.identity, feats.sig, feats.entities, [earlier])
    assert decisions and decisions[0].kind == "repeat" and decisions[0].earlier_id == 1
    link = decisions[0].to_link()
    assert link["reason"]["identity"] == "身份证号相同" and link["reason"]["matter_group"] == 7
    assert "不予重复受理" in link["reason"]["stage_implication"]
    assert link["reason"]["passages"] and 0 < link["score"] <= 1


def test_same_person_other_matter_is_new():
    earlier = candidate(1, FACTORY, fields("张秀英", ID), group=7)
    feats = compute(WAGES, fields("张秀英", ID))
    assert decide(2, WAGES, feats.identity, feats.sig, feats.entities, [earlier]) == []


def _neighbours_grouped(firm: str) -> list:
    earlier = candidate(1, FACTORY.replace("宏达", firm), fields("张秀英", ID), group=7)
    text = FACTORY_REWORDED.replace("宏达", firm)
    neighbour = compute(text, fields("刘德福", make("371523", date(1955, 6, 1), 9)))
    # the office's own history: one earlier letter names the firm (names_df.name_counts' shape)
    counts = {f"{firm}化工有限公司": 1, firm: 1}
    return decide(3, text, neighbour.identity, neighbour.sig, neighbour.entities, [earlier], name_counts=counts)


def test_other_person_same_matter_is_grouped_by_a_rarely_written_firm():
    decisions = _neighbours_grouped("垚鑫")
    assert [d.kind for d in decisions] == ["same_matter"] and decisions[0].reason["matter_group"] == 7
    assert decisions[0].reason["stage_implication"] is None
    assert "垚鑫" in decisions[0].reason["explanation"]


def test_other_person_same_matter_is_grouped_by_a_firm_named_with_an_ordinary_word():
    """宏达 is a dictionary word, but 宏达 + its trade (化工) is a firm's name: rare in the office, it ties the letters."""
    decisions = _neighbours_grouped("宏达")
    assert [d.kind for d in decisions] == ["same_matter"]
    assert "宏达" in decisions[0].reason["explanation"]


def test_an_anchor_is_a_proper_name_a_village_or_a_phrase():
    """Firms named with an auspicious dictionary word and their trade (宏达化工, 远航建材) are proper names like
    unknown ones (恒泰, 潇楚佳苑); a common word before the trade (光明化工厂) and phrases the name scan took for
    a place (起进厂 from 一起进厂, 政府网) are not; a village alone is an area."""
    for anchor in ("同一对象：恒泰", "同一地点/单位：宏达化工有限公司", "同一单位：远航建材", "同一地点/单位：潇楚佳苑"):
        assert anchor_tier(anchor) == "named", anchor
    for anchor in ("同一地点/单位：光明化工厂", "同一地点/单位：起进厂", "同一地点/单位：政府网", "文本几乎相同"):
        assert anchor_tier(anchor) == "other", anchor
    assert anchor_tier("同村：大王庄") == anchor_tier("同一地点/单位：白岩村") == "area"


def test_pieces_of_words_the_name_scan_cut_are_no_proper_names():
    """The name scan walks back from 村/厂 and stops inside words: 直接|排进黄集村 gives 接排进 / 排进, 其实|清河县 gives
    实清. Two verbs side by side, or a name opening with the second half of an adverb (其实), are no name unless a
    character is rare enough to be a name whatever it is (恒泰, 天誉, 鑫泰, 潇楚)."""
    for broken in ("接排进", "排进", "排进杏园", "实清", "同一地点/单位：接排进黄集"):
        name = broken.partition("：")[2] or broken
        assert not _proper(name, frozenset()), broken
    assert anchor_tier("同一地点/单位：接排进黄集") == "other"
    for name in ("恒泰", "天誉华府", "鑫泰化工", "潇楚佳苑", "瑞丰", "宏达化工"):
        assert _proper(name, frozenset()), name


def test_a_word_of_the_general_corpus_jieba_splits_is_no_proper_name():
    """普惠性幼儿园 (a policy term in every kindergarten letter) is cut 普|惠|性 by jieba like an unknown name, but
    普惠 is a word of the corpus: real letters of strangers about different kindergartens were tied by it. Names
    no corpus knows (恒泰, 深业睿城, 鑫源) stay names."""
    for phrase in ("普惠性", "普惠性幼儿园"):
        assert not _proper(phrase, frozenset()), phrase
    for name in ("恒泰建材", "深业睿城", "鑫源", "泉塘中学", "白岩"):
        assert _proper(name, frozenset()), name


def test_letters_of_different_people_need_a_shared_village_or_a_named_unit_and_amount():
    """Same-kind letters from two villages reuse template sentences: text alone must not group them."""
    places = gazetteer(str(SAMPLE_PLACES))
    template = "我们小区的物业公司乱收费，业主多次反映无人处理，要求物业整改。"
    here = compute("我是柳林镇大王庄村村民。" + template, fields("刘德福", address="柳林镇大王庄村"), places=places)
    there = candidate(1, "我是城关镇东关村村民。" + template, fields("王桂兰", address="城关镇东关村"), places)
    neighbour = candidate(2, "我也住柳林镇大王庄村。" + template, fields("李建国", address="柳林镇大王庄村"), places)

    def anchor(feats, cand):
        detail = pair_features(feats.sig, feats.entities, cand)
        return same_matter_anchor(feats.identity, feats.entities, cand, detail, places.villages)

    assert anchor(here, there) is None
    assert anchor(here, neighbour) == "同村：大王庄"
    site = WAGES.replace("马桥镇石桥村的", "")  # workers from two villages name the site and the sum owed
    wages = compute(site, fields("赵四海", address="城关镇东关村"), places=places)
    worker = candidate(3, site.replace("我在", "我也在"), fields("孙玉梅", address="清河镇后屯村"), places)
    assert anchor(wages, worker).startswith("同一")


def test_stage_implications():
    assert "不予重复受理" in implication("办理", 5, "repeat")
    assert "不再受理" in implication("复核", 5, "repeat")
    assert "越级" in implication("乡镇办理", 5, "repeat")
    assert "复查" in implication("办结", 5, "repeat")
    assert "核实" in implication(None, 5, "repeat")
    assert implication("办理", 5, "same_matter") is None


def test_an_edited_places_file_is_seen_without_a_restart(tmp_path):
    path = tmp_path / "places.json"
    path.write_text('{"townships": [{"name": "柳林镇", "villages": ["大王庄村"]}]}', encoding="utf-8")
    assert gazetteer(str(path)).villages == frozenset({"大王庄"})
    path.write_text('{"townships": [{"name": "柳林镇", "villages": ["大王庄村", "小河湾村"]}]}', encoding="utf-8")
    assert gazetteer(str(path)).villages == frozenset({"大王庄", "小河湾"})
    path.unlink()
    assert gazetteer(str(path)).places == ()



def test_shared_target_reads_one_firm_written_two_ways() -> None:
    """Neighbours name one firm differently: the proper-name part both give is the target; a village,
    an ordinary word or the writers' own place is not one."""
    from xinfang.matching.matter import shared_target

    assert shared_target(["华鼎新型建材有限公司"], ["华鼎建材"]) == "华鼎"
    assert shared_target(["东坡村"], ["东坡村"]) is None
    assert shared_target(["物业公司"], ["物业公司"]) is None
    assert shared_target(["华鼎建材"], ["华鼎建材"], home=frozenset({"华鼎"})) is None


def test_same_matter_explanation_is_in_words() -> None:
    from xinfang.matching.score import explain

    text = explain({"anchor": "同一地点/单位：华鼎建材", "shared_target": "华鼎", "shared_keywords": ["粉尘", "华鼎"]})
    assert text == "都点名：华鼎建材；共同要点：粉尘"
    assert explain({"anchor": "代亲属反映", "identity": "代亲属反映：姓名+地址相同"}).startswith("代亲属反映")
    assert explain({"anchor": "同村：东坡"}) == "同一村/社区：东坡"


def test_a_shared_name_is_rare_when_few_of_the_office_letters_name_it() -> None:
    """The count of the new letter's own keyed name that starts with the shared name decides; a common tail
    (股份有限公司 in a firm's name), a name many letters give, or a county village is not rare evidence."""
    from xinfang.matching.score import explain, rare_shared

    counts = {"华鼎建材厂": 2, "隆昌文旅股份有限公司": 0, "锦绣家园": 40}
    assert rare_shared([], "华鼎", counts) == ("华鼎", 2)
    assert rare_shared(["锦绣家园"], None, counts) == (None, None)
    assert rare_shared([], "股份有限公司", counts) == (None, None)
    assert rare_shared([], "华鼎", counts, frozenset({"华鼎"})) == (None, None)
    text = explain({"anchor": "同一对象：华鼎", "rare_name": "华鼎", "rare_count": 2, "shared_keywords": ["粉尘"]})
    assert text == "两信均反映 华鼎（本办此前仅 2 封信提到）；共同要点：粉尘"
    assert explain({"anchor": "同一对象：华鼎", "rare_count": 0}) == "两信均反映 华鼎（本办以往来信中罕见）"


def test_the_county_name_in_every_address_is_not_a_shared_place():
    known = ["清河", "凤凰", "后屯", "西关", "柳林", "小王庄"]  # 清河 is a township and the county's name (清河县)
    a = letter_identity(fields("于庆丰", None, None, "清河县凤凰街道育才街139号"), known_places=known)
    b = letter_identity(fields("贾庆丰", None, None, "清河县清河镇后屯村9组4号"), known_places=known)
    assert "清河" not in a.people[0].places and "清河" in b.people[0].places
    assert compare(b, a) is None
    c = letter_identity(fields("白立新", None, "13825087742", "清河县城关镇西关村"), known_places=known)
    d = letter_identity(fields("白立新", None, "17670561451", "清河县柳林镇小王庄村"), known_places=known)
    assert compare(d, c) is None  # one name in two villages: two people


def test_names_one_character_apart_with_two_different_phones_are_two_people():
    a = letter_identity(fields("覃欣怡", None, "13298779350", "柳林镇大王庄村"), known_places=["柳林", "大王庄"])
    b = letter_identity(fields("杨欣怡", None, "18906843081", "柳林镇大王庄村"), known_places=["柳林", "大王庄"])
    assert compare(b, a) is None
    c = letter_identity(fields("杨欣恰", None, None, "柳林镇大王庄村"), known_places=["柳林", "大王庄"])
    assert compare(c, b)[0] == "姓名+地址相近"


def test_people_at_large_are_not_a_party_reported_on():
    a = letter_identity(fields(accused=["黄集乡计生办", "问题的群众"], anonymous=True))
    b = letter_identity(fields(accused=["临川东升城市更新有限责任公司", "问题的乡亲们"], anonymous=True))
    assert a.accused == ["黄集乡计生办"] and compare(b, a) is None


def test_one_firm_and_the_same_kind_of_complaint_is_the_proper_name_and_kind_tier() -> None:
    """Neighbours complain of one firm in their own words; what they complain of (欠薪, 污染, 漏水) must agree
    before the lower cut of `named_kind` applies: the same firm in a wage claim and a dust complaint is two matters."""
    wages = kinds("包工头跑了，我们的工资一直没发，血汗钱讨不回来")
    dust = kinds("厂里天天排放黑烟，粉尘落满院子，臭味熏人")
    assert wages[0] == "欠薪" and dust[0] == "污染"
    assert agreement(wages, kinds("老板拖欠农民工工钱八个月")) == (1.0, 0.0)
    assert agreement(wages, dust) == (0.0, 1.0)
    assert agreement(wages, []) == (0.0, 0.0)  # a letter naming no kind says nothing either way
    assert link_tier("同一对象：恒泰", {"same_kind": 1.0}) == "named_kind"
    assert link_tier("同一对象：恒泰", {"same_kind": 0.0}) == "named"
    assert link_tier("同村：小王庄", {"same_kind": 1.0}) == "area"
    cut = {"same_matter_min": 0.8, "same_matter_min_area": 0.9, "same_matter_min_named": 0.7,
           "same_matter_min_named_kind": 0.5}
    assert _passes(0.6, "named_kind", cut) and not _passes(0.6, "named", cut)
    assert _passes(0.75, "named", {k: v for k, v in cut.items() if k != "same_matter_min_named_kind"})
    assert "同类诉求：欠薪" in explain({"anchor": "同一对象：恒泰", "rare_count": 1, "same_kind": 1.0, "kinds": ["欠薪"]})


def test_one_firm_one_kind_and_one_village_is_the_neighbours_tier() -> None:
    """Neighbours about one factory name their village too: a proper name, the same kind of complaint and a
    village or community both letters name get their own (lower) cut; a 组 or 街道 is no such village, and
    the reviewer is shown the village."""
    assert shared_area(["恒泰", "白岩", "白岩村"]) == "白岩村"
    assert shared_area(["泉星", "泉星社区"]) == "泉星社区"
    assert shared_area(["三组", "滩城街道", "村"]) is None
    assert shared_area(["恒泰度假村", "恒泰度假"], ("恒泰度假", None)) is None  # the firm itself, not a village
    assert shared_area(["白岩村"], (), frozenset({"白岩"})) == "白岩村"
    assert shared_area(["新农村"], (), frozenset({"白岩"})) is None  # not one of the county's villages
    here = {"same_kind": 1.0, "shared_area": "白岩村"}
    assert link_tier("同一对象：恒泰", here) == "named_kind_area"
    assert link_tier("同一对象：恒泰", {"same_kind": 0.0, "shared_area": "白岩村"}) == "named"
    assert link_tier("同村：白岩村", here) == "area"
    cut = {"same_matter_min": 0.8, "same_matter_min_area": 0.9, "same_matter_min_named": 0.7,
           "same_matter_min_named_kind": 0.6, "same_matter_min_named_kind_area": 0.3}
    assert _passes(0.4, "named_kind_area", cut) and not _passes(0.4, "named_kind", cut)
    assert not _passes(0.5, "named_kind_area", {k: v for k, v in cut.items() if k != "same_matter_min_named_kind_area"})
    shown = explain({"anchor": "同一对象：恒泰", "rare_count": 0, "same_kind": 1.0, "kinds": ["污染"],
                     "shared_area": "白岩村"})
    assert "同一村/社区：白岩村" in shown and "同类诉求：污染" in shown


def test_neighbours_letters_carry_their_village_and_a_resort_is_no_village() -> None:
    """Through the pair scoring: two villagers' letters about one plant name their village, which the link's
    reason carries; two letters about a resort whose name ends in 村 name no village."""
    def scored(a: str, b: str) -> dict:
        old = compute(a, fields(name="赵春梅"))
        new = compute(b, fields(name="吴国强"))
        cand = Candidate(1, old.sig, old.identity, old.entities, a, None, None, None)
        return matter_score(new.sig, new.entities, cand, "other_person")[1]

    plant = scored("白岩村的恒泰建材厂粉尘噪音扰民，破碎机通宵开，请环保部门查处。",
                   "我们白岩村旁边的恒泰建材厂晚上机器轰隆隆响，粉尘满天，请求责令整改。")
    assert plant["shared_area"] == "白岩村"
    resort = scored("恒泰度假村的音响每晚吵到半夜，噪音扰民，请求处理。",
                    "恒泰度假村夜里放音乐，噪音太大睡不着，请管一管。")
    assert "shared_area" not in resort


def test_one_first_word_in_two_trades_is_two_firms() -> None:
    """瑞丰化肥公司 and 瑞丰机械有限公司 share 瑞丰 but are two firms; 恒泰新型建材 / 恒泰建材厂 and 鑫泰化工 / 鑫泰公司
    are one firm written two ways (no trade, or the same one, after the shared name)."""
    assert two_firms("瑞丰", ["原县瑞丰化肥公司"], ["瑞丰机械有限公司"])
    assert not two_firms("恒泰", ["恒泰新型建材有限公司"], ["恒泰建材厂"])
    assert not two_firms("鑫泰", ["滨河鑫泰化工"], ["鑫泰公司"])
    assert not two_firms("宏达", ["宏达化工有限公司"], ["宏达化工厂"])
