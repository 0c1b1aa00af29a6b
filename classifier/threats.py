"""扬言: the writer threatens self-harm, harm to others, or escalation over the county's head or into the street.

Written from 信访 practice: what a letter desk marks 扬言 and puts at the top of the queue. Three kinds of
evidence. Words that are a threat however they are framed (一死了之, 同归于尽, 鱼死网破, 进京上访). Acts that are
a threat only when the writer announces them as their own next step or as the price of inaction: 我们就去省里, 我就爬到塔吊上去,
否则全体业主静坐, 大不了喝农药, 我们将向媒体曝光; told as what happened (去年业主们拉横幅) or as someone else's
distress they are part of the story, not a threat by the writer. Negation (我绝不会去北京) and idioms that hold a
threat word (只许州官放火, 炸药味) cancel a hit. The office extends both lists (`rule_words`: threat, escalation).
"""

from __future__ import annotations

import re
from functools import lru_cache

from xinfang.classifier.wordlists import with_words

# 上吊 is hanging, but not inside 吊车, 吊顶, 吊灯, 吊扇, 吊柜, 吊篮 (楼上吊顶漏水, 爬上吊车): one spelling for both lists.
_HANGING = r"上吊(?![车顶灯扇柜篮])"
# A threat whatever the framing. Self-harm, harm to others, going to Beijing or the province, collective action.
THREAT = re.compile(
    r"跳楼|跳河|跳江|跳湖|跳桥|跳崖|跳水库|卧轨|自焚|自杀|自尽|自缢|喝农药|喝敌敌畏|喝百草枯|喝老鼠药|吃老鼠药|服毒|割腕|" + _HANGING + r"|"
    r"一死了之|以死相逼|以死抗争|以死明志|以死维权|死给(?:你们|他们|政府|领导)看|死在(?:你们|政府|县委|县政府|信访|镇政府|乡政府)|"
    r"不想活|不活了|活不成了|了此残生|一了百了|寻短见|(?<![减年])轻生(?!产)|"
    r"同归于尽|鱼死网破|玉石俱焚|血债血偿|拼个你死我活|报复社会|杀了(?:他|你|她)|砍死|捅死|"
    r"(?:浇|泼)(?:上)?汽油|一把火烧|炸|走极端|极端手段|做出什么事|什么事都(?:做|干)得出来|狗急(?:了)?(?:还会|也会|还|也)?跳墙|"
    r"兔子急了|别逼我|不得好死|要(?:他|你)的命|找(?:他|他们)算账|走上绝路|逼上绝路|活着没意思|死了算了|大不了一死|"
    r"了结(?:自己|此生|残生)|自我了断|结束(?:生命|性命)|后果由(?:你们|政府|他们)(?:承担|负责)|死也要|告到底|一告到底|抬棺|披麻戴孝|(?:睡|住)在(?:政府|信访)(?!大院|家属|宿舍|小区|旁|对面|附近|后面|隔壁|街|路|楼)|"
    r"(?:跟|和|同|与)[^，。！]{0,8}拼(?:命|了)|"
    r"去北京上访|进京上访|到北京上访|赴京上访|(?<!考)上北京|去天安门|到天安门|到中南海|去省里上访|集体上访|越级上访|"
    r"(?:去|到|上|赴)(?:北京|京城|首都|省里|省城|省委|省政府|中央|国家信访局|省信访局|省纪委|中纪委)[^，。！？]{0,6}(?:上访|反映|告状|告他|讨|找(?!工作|活干|事做)|喊冤|信访)")
# Acts that are a threat when announced: self-harm, violence, escalation, going to the press. A higher level is
# an act only when the writer goes or writes to it, and not for a doctor, a job or a school (我要去北京看病,
# 我们将按照省政府的要求, 否则就违背了中央的政策).
# A climb is an act when nothing follows it but the climb: one to mend, fetch or dry something (爬上楼顶补漏) is a
# chore. 一起 also counts incidents (一起死亡事故), and 死磕/死守 are persistence; 上吊 inside 吊车/吊顶 is no hanging.
ESCALATION = re.compile(
    r"(?:集体|群体|联名|越级|进京|赴京|赴省|一直|长期)上访|上访到底|进京|赴京|"
    r"(?:去|到(?!时)|上|赴|往|至|找|告|向)(?![了过])[^，。！？!?]{0,4}?(?:北京|天安门|中南海|中央|国家信访局|省里|省城|省委|省政府|省信访局|省信访办|省纪委|中纪委)"
    r"(?!的?(?:看|治病|就医|治疗|住院|医院|检查|读|上学|上大学|大学|学校|打工|务工|工作|上班|公司|出差|旅游|旅行|玩|开会|学习|"
    r"参加|培训|探亲|亲戚|朋友|定居|办|网站|找工作|找活|人))|越级|群访|静坐|拉横幅|打横幅|拉条幅|举牌|堵路|堵门|堵桥|堵大门|堵(?:高速|马路|公路|国道|路口|铁路)|集体(?:去|到|前往)[^，。！？!?]{0,10}?(?:上访|讨说法|讨个说法|讨薪|讨要|静坐|请愿)|跳下去|跳下来|围堵|下跪|跪访|游行|示威|绝食|跳楼|跳河|跳江|喝农药|"
    r"爬(?:上|到)?[^，。！？!?]{0,12}?(?:塔吊|吊车|楼顶|房顶|烟囱|铁塔|电线杆|高压塔|广告牌)"
    r"(?![上面]{0,2}[去来]?(?:修|补|检修|维修|查看|察看|检查|晒|晾|收|拿|取|清理|清扫|疏通|堵漏|装|安装|拆|摘|拍|乘凉|玩|干活|作业|施工|避))|"
    r"(?:一起|一块|一同)死(?![亡伤人者角地磕守扛撑等缠盯耗拖心活])|"
    r"喝药|吃安眠药|服毒|弄死|自焚|自杀|" + _HANGING + r"|卧轨|寻死|轻生|同归于尽|走极端|极端|过激|死给|死在|拼命|拼了|豁出|报复|闹大|"
    r"(?:找|请|向|通过|上报|联系|求助|叫|让)[^，。！？]{0,6}?(?:媒体|记者|电视台|报社|央视|焦点访谈)|(?:公开|媒体|网上|上网|网络|社会)曝光")
# The price of inaction: 再不解决…/否则…/大不了…/逼急了… followed by an act.
THREAT_IF = re.compile(
    r"(?:再不|如不|若不|如果不|如果再|要是再|要是不|假如不|倘若不|如再|若再|如没有|如果没有|否则|不然|逼得|逼我|逼急了|"
    r"大不了|忍无可忍|走投无路|被逼无奈|迫不得已|实在不行|实在没办法|不行的话|到时候|到那时|"
    r"(?:不管|不理|不解决|不处理|不答复|不落实|解决不了|处理不了|没有结果|没结果)(?:的话)?[，,]?[^。！？!?，,]{0,3}?就)"
    r"[^。！？!?]{0,24}?")
# The writer's own next step: 我们就去省里 / 全体业主将静坐 / 我只能喝药 / 家长们准备集体上访.
THREAT_NEXT = re.compile(
    r"(?:我|我们|本人|咱们|俺|俺们|全家|一家人|全村|全体|村民们?|业主们?|家长们?|工友们?|大家)"
    r"[^，。！？!?,]{0,6}?(?:就|将(?![此该这其情上有相问事])|会|要(?=去|到|上|找|跳|喝|跟|和|同|拼|告)|只能|只好|只有|准备|打算|决定|一定|必将|"
    r"宁可|宁愿|不惜|也要|还要|誓)"
    r"[^。！？!?，,]{0,10}?")
# Told as what happened (曾经/去年/多次/已经… before it; for a next step, 了/过 after it): part of the story.
# A conditional keeps its 了 (再不解决我们就去北京了 is still a threat).
_PAST_BEFORE = re.compile(r"曾经|曾|已经|去年|前年|当时|那天|上次|之前|以前|多次|几次|先后|被迫|后来|于是")
_PAST_AFTER = re.compile(r"(?:[^，。！？!?]{0,3}?)(?:了|过)(?:[，。！？!?、]|$)")
# …but a 了 after a time still to come announces (我明天就去北京上访了！, 我们就要去省里了).
_FUTURE = re.compile(r"明天|后天|马上|立刻|立即|下周|下星期|下个?月|过几天|过两天|近日|近期|即将|就要|准备|打算|决定")
# Collective action and going higher up, told with a past marker, happened: 去年业主们拉横幅 is the story.
# (Self-harm words stay threats even so: a clerk would rather glance at a past 喝农药 than miss a present one.)
_STORY_ACT = re.compile(r"横幅|堵|上访|群访|反映|告|讨|找|信访|静坐")
# Someone else's distress or a news item (我老婆几次想自杀, 学生喝农药, 我父亲喝农药去世): the writer threatens nothing;
# someone taken along or faced is not (我只能带着孩子跳河, 我跟他们同归于尽, 把他家房子炸掉).
_OTHER_BEFORE = re.compile(r"(?<![和跟同与着把给对向找])(?:老婆|妻子|丈夫|爱人|老伴|父亲|母亲|爸爸|妈妈|爷爷|奶奶|公公|婆婆|哥哥|弟弟|姐姐|妹妹|家人|亲人|女儿|儿子|孩子|"
                           r"学生|老人|老年人|女人|男人|有人|别人|他|她|他们|她们|患者|病人|对方|村霸|歹徒|凶手)"
                           r"[^，。！？!?我]{0,6}$")
_NEWS_AFTER = re.compile(r"身亡|死亡|去世|离世|事件|未遂|案件|的人|觅活")
# A condition is about what comes next, so a past marker before it (已经半年了，如果再不解决…) tells of the wait,
# not of the act; the desperation openers (逼得, 走投无路…) also tell stories and keep the check.
_HYPOTHETICAL = re.compile(r"再不|如不|若不|如果|要是|假如|倘若|如再|若再|如没有|否则|不然|实在不行|不行的话")
# Inside an announcement: a negation or a past marker (我们绝不会去…, 我们就曾经去…) makes it no announcement.
# (我们决不罢休，就去省里 is defiance, not a negation.)
# A refusal (不会, 绝不, 不想…), but not defiance (决不罢休) nor 不要逼我, which is the threat itself.
_REFUSAL = r"(?:不会|决不|绝不)(?!罢休|善罢甘休|放弃|退缩|妥协|让步)|不至于|不想|不愿|不要(?!再?逼)"
_WITHIN = re.compile(_REFUSAL + r"|曾经|曾|已经|多次")
# Idioms and descriptions that contain a threat word but threaten nothing (只许州官放火, 炸药味, 爆炸事件).
# 炸 alone is a threat only as an act on something (炸死, 炸掉, 炸毁, 把…炸了): a pipe or a heater 炸了 by itself.
_BLOWN_UP = re.compile(r"炸(?:死|掉|毁)")
_BLOWN_UP_BY = re.compile(r"把[^，。！？!?]{1,8}$")
_NOT_A_THREAT = re.compile(r"州官放火|官府放火|炸药|爆炸|炸弹|炸鸡|油炸|炸串|炸酱")
# "我绝不会去北京上访" is no threat: a refusal just before the word cancels it.
_NEGATED = re.compile(rf"(?:{_REFUSAL}|没想)[^，。]{{0,4}}$")


@lru_cache(maxsize=8)
def patterns(threat: tuple[str, ...] = (), escalation: tuple[str, ...] = ()) -> tuple[re.Pattern[str], ...]:
    """The built-in patterns extended by an office's own words (cached: an office's words change rarely)."""
    acts = f"(?:{with_words(ESCALATION, escalation)})"
    return (re.compile(with_words(THREAT, threat)), re.compile(THREAT_IF.pattern + acts),
            re.compile(THREAT_NEXT.pattern + acts))


def _told_after(text: str, start: int, end: int) -> bool:
    after = _PAST_AFTER.match(text, end)
    if after is None:
        return False
    return "过" in after.group(0) or not _FUTURE.search(text[max(0, start - 8):end])


def _past(text: str, start: int, end: int) -> bool:
    return bool(_PAST_BEFORE.search(text[max(0, start - 6):start])) or _told_after(text, start, end)


def _cancelled(text: str, start: int, end: int) -> bool:
    if _NEGATED.search(text[max(0, start - 8):start]):
        return True
    return any(m.start() <= start < m.end() for m in _NOT_A_THREAT.finditer(text, max(0, start - 3), end + 3))


def find_threats(text: str, threat: tuple[str, ...] = (), escalation: tuple[str, ...] = ()
                 ) -> list[tuple[str, int, int]]:
    """(phrase, start, end) of each 扬言 in `text`: a threat word once, each announcement not inside another hit
    (the desk marks every one); `threat`/`escalation`: the office's own words."""
    plain, framed_if, framed_next = patterns(threat, escalation)
    found: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    for match in plain.finditer(text):
        word, start, end = match.group(0), match.start(), match.end()
        if word in seen or _cancelled(text, start, end) or (_STORY_ACT.search(word) and _past(text, start, end)):
            continue
        if _OTHER_BEFORE.search(text[max(0, start - 8):start]) or _NEWS_AFTER.match(text, end):
            continue
        if word == "炸" and not (_BLOWN_UP.match(text, start) or (
                text.startswith("炸了", start) and _BLOWN_UP_BY.search(text[max(0, start - 9):start]))):
            continue
        seen.add(word)
        found.append((word, start, end))
    for pattern in (framed_if, framed_next):
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if _cancelled(text, start, end) or _WITHIN.search(match.group(0)) or \
                    (_PAST_BEFORE.search(text[max(0, start - 6):start])
                     and not (pattern is framed_if and _HYPOTHETICAL.match(match.group(0)))) or \
                    (pattern is framed_next and _told_after(text, start, end)):
                continue
            if not any(s < end and start < e for _, s, e in found):
                found.append((match.group(0), start, end))
    return found
