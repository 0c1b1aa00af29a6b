"""扬言 phrasings (classifier/threats.py): what a letter desk marks urgent, and what it leaves alone."""

from __future__ import annotations

import pytest

from xinfang.classifier.rules import apply_rules
from xinfang.classifier.threats import find_threats
from xinfang.intake.fields.urgency import urgency_field


@pytest.mark.parametrize("text", [
    "再不解决，我就到县政府门口喝农药，死给你们看。",             # self-harm, announced
    "实在逼得没办法，我只有一死了之。",
    "大不了跟他们同归于尽，鱼死网破。",                           # harm to others
    "如果还不处理，我们全村人就去北京上访。",                     # escalation, conditional
    "县里不管就到市里，市里不管我们就到省里告。",                 # the ladder
    "否则全体业主将静坐市政府。",
    "家长们准备集体到市政府门口拉横幅。",                         # the writer's group, next step
    "如再拖延，我就请电视台记者来采访。",                         # the press, conditional
    "再不解决我们就去北京了！",                                   # a conditional keeps its 了
    "逼急了我什么事都做得出来。",
    "开发商再不给说法，我们就去售楼部拉横幅。",
])
def test_threats_are_found(text: str) -> None:
    assert find_threats(text), text
    assert apply_rules(text).urgent
    assert urgency_field(text)["value"] is True


@pytest.mark.parametrize("text", [
    "我绝不会去北京上访，只想讨个说法。",                         # negated
    "去年业主们曾拉横幅讨说法，后来开发商答应整改。",             # a past event
    "我们就去省里反映过了，至今没有结果。",
    "我老婆几次想自杀，我只能安慰她。",                           # someone else's distress
    "新闻里说有人自杀身亡。",
    "这里是拥堵路段，希望增设红绿灯。",                           # words inside other words
    "近年极端天气多，请减轻生产成本。",
    "我去北京旅游时买的票，商家不给退款。",
    "只许州官放火，不许百姓点灯。",
    "如不相信请大家百度一下，电视台都有报道。",
    "业主不断拉横幅、向有关部门举报，开发商仍不整改。",      # street action described, not announced
    "路两边的商铺被堵门，车没地方停。",
])
def test_stories_and_idioms_are_not_threats(text: str) -> None:
    assert not find_threats(text), text
    assert not apply_rules(text).urgent
    assert urgency_field(text)["value"] is False


def test_office_words_extend_the_threats() -> None:
    assert not find_threats("我要去信访局门口坐着。")
    assert find_threats("我要去信访局门口坐着。", threat=("信访局门口坐着",))
    assert apply_rules("再不解决就到政府门口讨说法", {"escalation": ["政府门口"]}).urgent


def test_a_threat_is_noted_once_with_its_words() -> None:
    result = apply_rules("再不解决我就去北京上访，大不了喝农药。")
    assert {"去北京上访", "喝农药"} <= set(result.matched["urgent"])
    assert len(result.notes) == 1 and "扬言" in result.notes[0]


@pytest.mark.parametrize("text", [
    "你们不要逼我去跳楼。",                                       # 不要逼我 is the threat, not its negation
    "别再逼我走极端。",
    "再不解决，我们决不罢休，就去省里。",                         # defiance, not a negation
])
def test_defiance_is_no_negation(text: str) -> None:
    assert find_threats(text), text


def test_a_negated_next_step_is_no_threat() -> None:
    assert not find_threats("我们不要去北京上访，只要讨个说法。")


def test_every_announced_step_is_listed() -> None:
    """The desk shows each announcement's span, not only the first conditional's."""
    found = find_threats("如不答复，我们将向省委反映；否则全体业主还要找电视台曝光。")
    assert len(found) == 2 and found[1][0].startswith("否则")


@pytest.mark.parametrize("text", [
    "我要去北京看病，异地就医怎么报销？",                         # a higher level for a doctor, a school, a rule
    "我儿子准备去北京读大学，学费能不能申请助学金？",
    "我就是北京人，户口迁到这里后社保怎么转？",
    "如果没有省里的批文，这个项目就不能开工。",
    "我们将按照省政府的要求提交材料。",
    "我父亲去年喝农药去世了，现在低保被取消。",                   # a relative's death, told
])
def test_everyday_mentions_are_not_threats(text: str) -> None:
    assert not find_threats(text), text


@pytest.mark.parametrize("text", ["我跟他们同归于尽。", "我只能带着孩子跳河。", "我和老伴只能喝农药。"])
def test_someone_taken_along_is_still_the_writers_threat(text: str) -> None:
    assert find_threats(text), text


@pytest.mark.parametrize("text", [
    "已经半年了，如果再不解决，就到省里去。",                     # the wait is past, the act is next
    "去年已经答应我们了，如果再不兑现，就去省委。",
])
def test_a_past_wait_before_a_condition_keeps_the_threat(text: str) -> None:
    assert find_threats(text), text


def test_gone_is_told() -> None:
    assert not find_threats("前年反映到区里没有结果，我们就去了省里。")


@pytest.mark.parametrize("text", ["我明天就去北京上访了！", "我们就要去省里了。"])
def test_a_coming_step_keeps_its_le(text: str) -> None:
    assert find_threats(text), text


@pytest.mark.parametrize("text", ["后来我们就去北京上访了。", "我们准备去省城上访过了。"])
def test_a_step_taken_is_told(text: str) -> None:
    assert not find_threats(text), text


@pytest.mark.parametrize("text", [
    "如果下周还不给答复，我们几十户就集体去市委上访。",
    "开发商再拖着不交房，全体业主就去堵高速。",
    "如果这个月还拿不到工钱，我就从工地塔吊上跳下去。",
    "实在不行我们就上网曝光。",
    "大不了我们去省信访局门口跪访。",
    "再不给钱，我就爬到工地对面那个塔吊上去。",                   # 爬塔吊讨薪: the best-known wage-claim threat
    "我们几个明天就爬上楼顶，大不了一起死。",
    "年前钱再不给，大不了从上面跳下来。",
])
def test_more_announced_acts(text: str) -> None:
    assert find_threats(text), text


@pytest.mark.parametrize("text", [
    "我们准备集体去镇政府协商补偿标准。",                         # a collective visit to talk is no threat
    "我打算下个月去省城医院复查。",
    "孩子从楼上跳下去摔伤了腿，学校不管。",
    "我们小区门口每天堵车，希望增设红绿灯。",
    "工人爬上塔吊检修时摔伤了。",                                 # climbing as work or play, or as the story
    "去年有工人爬到塔吊上讨薪。",
    "孩子爬上房顶玩耍摔下来。",
])
def test_everyday_acts_are_not_threats(text: str) -> None:
    assert not find_threats(text), text


@pytest.mark.parametrize("text", [
    "我们厂上个月就出了一起死亡事故，老板至今不赔。",               # 一起 counting an incident, not "together"
    "我们这里就发生了一起死伤事故。",
    "我们小区就一块死角没人管。",
    "我们会一起死磕到底，直到解决。",                             # 死磕/死守: persistence, not death
    "我们全家准备一起死守这块地。",
])
def test_together_words_that_are_not_dying_together(text: str) -> None:
    assert not find_threats(text), text


@pytest.mark.parametrize("text", [
    "物业不管，我们只好自己爬上楼顶补漏。",                        # a leaking roof: the writer climbs to mend it
    "物业不管，我们只能自己爬到楼顶上去修水箱。",
    "我每天只能爬到楼顶收衣服。",
    "电梯停了，我们只能爬楼梯上楼顶晾被子。",
])
def test_a_climb_to_do_a_chore_is_not_a_threat(text: str) -> None:
    assert not find_threats(text), text


@pytest.mark.parametrize("text", [
    "楼上吊顶漏水，物业不管。",                                   # 楼上 + 吊顶, not 上吊
    "卫生间装上吊顶后一直渗水。",
    "去年有工人爬上吊车讨薪。",                                   # the story of a climb, as 爬到塔吊上
    "工人爬上吊篮作业时安全绳断了。",
])
def test_shang_diao_inside_other_words_is_not_hanging(text: str) -> None:
    assert not find_threats(text), text


@pytest.mark.parametrize("text", ["再不解决，我就上吊。", "我们只能爬上吊车，大不了一起死在上面。",
                                  "否则我就爬到塔吊上去，看你们给不给钱。"])
def test_hanging_and_climbing_threats_stay(text: str) -> None:
    assert find_threats(text), text


def test_a_blank_office_word_marks_nothing() -> None:
    """A stray blank entry in the office file must not match every space of every letter."""
    assert not find_threats("请 领导 尽快 处理 噪音 问题", threat=(" ",), escalation=("", " "))
    result = apply_rules("请 领导 尽快 处理", {"threat": [" "], "legal": [" "]})
    assert not result.urgent and not result.matched
    assert find_threats("我要去信访局门口坐着。", threat=(" 信访局门口坐着 ",))


@pytest.mark.parametrize("text", [
    "今年考上北京的大学，学费有困难。",
    "入冬以来暖气管道冻炸了好几次，物业不管。",                   # a burst pipe
    "热水器炸了，厂家不赔。",
    "一个年轻生命就这样没了。",
    "我家住在政府家属院，楼下噪音大。",                           # an address
])
def test_words_inside_everyday_phrases(text: str) -> None:
    assert not find_threats(text), text


@pytest.mark.parametrize("text", ["有时都想把医保局炸了。", "我要把他家房子炸掉。", "我就住在政府不走了。"])
def test_the_same_words_as_threats(text: str) -> None:
    assert find_threats(text), text


@pytest.mark.parametrize("text", [
    "我准备去北京找工作。",
    "我要去省里办理退休手续。",
    "我会到省政府网站查询。",
    "我们就到省里的医院做了手术。",
    "我就向北京的亲戚借了钱。",
])
def test_a_higher_level_visited_for_everyday_business(text: str) -> None:
    assert not find_threats(text), text


def test_a_higher_level_visited_for_a_petition() -> None:
    assert find_threats("再不解决我们就去省里找领导。")
    assert find_threats("不然我们就找省里的领导。")


@pytest.mark.parametrize("text", [
    "每天吃安眠药才能睡着，请帮我们解决噪音。",                   # a health fact, not a threat
    "否则就违背了中央的政策。",                                   # the centre named, nobody goes there
    "这是我们拿命换来的血汗钱。",
    "他在会上说：你们在我的地盘我弄死你们。",                     # someone else's words, told
])
def test_starter_office_words_leave_stories_alone(text: str) -> None:
    from xinfang.classifier.routing_table import STARTER, load_office

    assert not apply_rules(text, load_office(STARTER).rule_words).urgent, text


@pytest.mark.parametrize("text", ["再不解决我就吃安眠药。", "你们再不管，我就弄死他。"])
def test_announced_self_harm_and_violence_stay_threats(text: str) -> None:
    assert find_threats(text), text
