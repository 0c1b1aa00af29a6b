"""Generic parts of a letter (salutations, history, emotion, demands, closings) and the noise we add.

WHY many small pools plus a synonym pass and typos: two letters of one category must not share long runs
of text, or a model learns the template instead of the content. Pools here are shared by all categories;
what tells the categories apart lives in samples/vocab.
"""

from __future__ import annotations

import random
import re
from datetime import date

SALUTATIONS = ("尊敬的县信访局领导：", "县信访局：", "尊敬的领导：", "各位领导：", "清河县信访局：", "尊敬的县委、县政府领导：",
               "县长：", "信访局的同志：", "尊敬的信访局负责同志：", "领导您好：", "县委书记、县长：", "")
GREETINGS = ("您好！", "你们好！", "领导好！", "打扰了。", "")
TITLES = {"求决": ("关于{topic}的反映", "请求解决{topic}", "反映{topic}", "求助信"),
          "申诉": ("申诉书", "关于{topic}的申诉", "不服处理意见的申诉", "申诉材料"),
          "意见建议": ("关于{topic}的建议", "一点建议", "建议信", "对{topic}的几点意见"),
          "揭发控告": ("举报信", "实名举报", "关于{topic}的举报", "控告材料", "检举信"),
          "咨询": ("咨询{topic}", "请问{topic}", "政策咨询", "想了解{topic}"),
          "其他": ("来信", "情况反映")}

HISTORY = ("这件事我找过村里{n}次，每次都说研究研究", "我去镇上反映过好几回，接待的人让我回去等消息",
           "打过12345热线，回访时说已经转给了相关部门", "前前后后跑了{n}趟，鞋都磨破了", "村干部说这事他们管不了",
           "镇里的领导答应过年前给个说法，可年都过完了", "托人问过，人家说上面有文件不好办", "我也写过材料寄到县里，石沉大海",
           "去年秋天就找过有关部门，到今天也没个结果", "找了乡里找县里，一个推一个")
EMOTION = ("我们老百姓实在是没有办法了", "我心里憋屈得很，晚上整宿睡不着觉", "真不知道还有没有说理的地方",
           "我年纪大了，经不起这样来回折腾", "一家人的日子全被这事搅乱了", "说句心里话，我对政府是信任的",
           "我们都是本分人，不到万不得已不会写这封信", "乡亲们都在看着这件事怎么处理", "越想越气，越想越寒心",
           "这口气我咽不下去", "")
ANGER = ("都过去这么久了，还是没有任何人来管", "上次写信后石沉大海，连个回音都没有", "我真的忍无可忍了",
         "你们是不是要等出了大事才管", "我已经是第{k}次反映这个问题了", "答应的事情一件也没有办到")
FAMILY = ("我家里上有八十多岁的老母亲，下有两个上学的孩子", "我们家就靠这点收入过日子", "老伴身体不好常年吃药",
          "儿子儿媳在外地打工，家里就剩我们老两口", "我是低保户，一个人拉扯孩子", "我今年六十八了，腿脚也不利索",
          "我在外地上班，专门请假回来处理这事", "")
URGENT = ("如果再不解决，我只能去市里、去省里上访", "再没人管，我就到县政府门口喝农药，死给你们看",
          "逼急了我就带着全家去北京", "实在不行我就从楼上跳下去，一了百了", "再拖下去，我不敢保证自己会做出什么事来",
          "大不了跟他们同归于尽")
DEMAND_LEADS = {"求决": ("恳请领导帮助解决以下问题：", "我的要求是：", "为此请求：", "希望领导能为我做主：", "现提出如下请求："),
                "申诉": ("特提出申诉，请求：", "我对这个处理不服，请求：", "申诉请求：", "为此我要求复查："),
                "意见建议": ("我有几点建议：", "提几条意见，供领导参考：", "我的想法是：", "建议如下："),
                "揭发控告": ("现实名举报，请求：", "特此检举，要求：", "恳请纪委和有关部门：", "我们要求："),
                "咨询": ("想请教几个问题：", "我想问一下：", "麻烦领导答复：", "请问："),
                "其他": ("请领导关注：",)}
APPEAL_OBJECTS = ("{who}作出的处理意见", "{who}的答复意见书", "县里的复查意见", "这个处理决定", "{who}的调解结果")
APPEAL_REASONS = ("认定的事实与真实情况不符", "根本没有调查就下了结论", "没有听取我的陈述", "适用政策明显错误",
                  "处理结果对我极不公平")
ACCUSE_LEADS = ("我要举报{who}", "现检举揭发{who}的违法违纪问题", "控告{who}", "我们实名举报{who}",
                "反映{who}的问题")
ACCUSE_WRONGS = ("以权谋私、损害群众利益", "违规操作、暗箱作业", "欺上瞒下、弄虚作假", "拉帮结派、打击报复反映问题的群众",
                 "吃拿卡要、作风霸道")
ACCUSE_ASK = ("对{who}立案调查，查清事实", "依法依纪严肃处理{who}", "对举报人的信息严格保密",
              "把调查结果告诉我们")
SUGGEST_LEADS = ("我建议", "能不能考虑", "希望有关部门", "我觉得应该", "提个建议：")
ASK_LEADS = ("请问", "我想问一下", "想咨询", "不知道", "麻烦问一下")
ASK_TAILS = ("盼回复", "请给个明白话", "烦请告知", "谢谢", "等你们的答复")
CLOSINGS = ("恳请领导在百忙之中过问此事", "盼望早日得到答复", "希望领导能给我们做主", "万分感谢",
            "请领导明察", "期待回复", "相信政府会给我们一个公道", "拜托了", "")
SALUTE = ("此致\n敬礼！", "此致\n敬礼", "此致敬礼！", "此致\n  敬礼", "")
SIGN_LABELS = ("信访人：", "具名：", "署名：", "反映人：", "来信人：")
PURPOSE_SIGN_LABELS = {"揭发控告": ("举报人：", "检举人："), "申诉": ("申诉人：",)}
RAMBLE = ("说起来这事还得从头讲起", "我不是那种爱找事的人，村里人都知道", "我没上过几天学，字写得不好，领导别见怪",
          "这些年政策是越来越好了，可到了下面就变了样", "我把这些事一件一件写下来，怕漏了", "前几天晚上又想起这事，一夜没合眼",
          "亲戚朋友都劝我算了，可这不是钱的事，是理的事", "我手里有照片和收条，随时可以拿给你们看",
          "我也知道领导们工作忙，事情多", "有些话本来不想说，可是不说不行了", "我们祖祖辈辈都住在这里",
          "去了好几个部门，每个部门都说不归自己管")
ANON_SIGNS = ("一群知情群众", "知情人", "一名老党员", "{v}部分村民", "一个看不下去的人", "群众", "")
INTRO_FORMS = ("我叫{name}，是{t}{v}的村民", "我是{t}{v}村民{name}", "我叫{name}，家住{addr}", "信访人：{name}，住{addr}",
               "我是{name}，{v}人", "本人{name}，{t}{v}人")
NUMBERINGS = (("1、", "2、", "3、"), ("一、", "二、", "三、"), ("（1）", "（2）", "（3）"), ("一是", "二是", "三是"),
              ("第一，", "第二，", "第三，"))
CN_DIGITS = "〇一二三四五六七八九"

# Synonyms: each word may become any of its alternatives, independently per occurrence.
SYNONYMS = {
    "反映": ("反映", "反应", "报告", "说明"), "一直": ("一直", "始终", "一直以来", "总是"), "解决": ("解决", "处理", "解决好"),
    "现在": ("现在", "目前", "如今", "眼下", "到现在"), "我们": ("我们", "俺们", "我们"), "问题": ("问题", "事情", "事儿", "情况"),
    "没有": ("没有", "没", "并没有", "从来没有"), "领导": ("领导", "领导同志", "政府"), "希望": ("希望", "盼望", "期望", "恳求"),
    "已经": ("已经", "早已", "都已经", "已"), "很多": ("很多", "好多", "许多", "不少"), "村里": ("村里", "村上", "村委", "村两委"),
    "老百姓": ("老百姓", "群众", "农民", "普通百姓"), "尽快": ("尽快", "早日", "抓紧", "赶紧"), "请求": ("请求", "恳请", "要求"),
    "根本": ("根本", "压根", "完全"), "非常": ("非常", "十分", "特别", "相当"), "拖": ("拖", "推", "拖延"),
    "好几": ("好几", "几", "多"), "说": ("说", "讲", "称"), "给": ("给", "给予", "帮"), "每次": ("每次", "回回", "每回"),
    "不管": ("不管", "不理", "不闻不问"), "有关部门": ("有关部门", "相关部门", "主管部门"), "严重": ("严重", "很大", "极大"),
    "群众": ("群众", "老百姓", "村民", "乡亲们"), "去年": ("去年", "上一年", "头年"), "情况": ("情况", "状况", "实情"),
    "晚上": ("晚上", "夜里", "半夜", "夜间"), "孩子": ("孩子", "小孩", "娃"), "老人": ("老人", "老人家", "上了年纪的人"),
    "不敢": ("不敢", "都不敢", "没胆子"), "到现在": ("到现在", "至今", "直到今天"), "整夜": ("整夜", "一宿一宿", "通宵"),
    "天天": ("天天", "每天", "成天", "整天"), "还没": ("还没", "仍没", "依然没"), "一分": ("一分", "半分", "一分钱"),
    "房子": ("房子", "房屋", "住房"), "说好": ("说好", "讲好", "答应"), "打了": ("打了", "拨了"), "给我": ("给我", "帮我"),
    "一家": ("一家", "全家", "一家子"), "好几回": ("好几回", "好多次", "几次三番"), "政府": ("政府", "党委政府", "上级"),
    "看着": ("看着", "盯着", "关注着"), "处理": ("处理", "解决", "办理"), "这件事": ("这件事", "这个事", "此事", "这事"),
    "拿到": ("拿到", "领到", "得到"), "发": ("发", "发放", "兑现"), "被": ("被", "让", "给"), "一直没": ("一直没", "始终没", "迟迟没"),
}
CONNECTORS = ("", "", "", "而且", "另外，", "还有，", "再说", "更气人的是，", "并且", "同时", "况且")
_SYN_RE = re.compile("|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)))
TYPOS = {"的": "得", "在": "再", "已经": "以经", "反映": "反应", "部门": "部们", "按时": "安时", "希望": "希忘",
         "做主": "作主", "辛苦": "心苦", "再也": "在也", "那里": "哪里", "工资": "工咨", "补偿": "补尝", "赔偿": "陪偿"}
_TYPO_RE = re.compile("|".join(sorted(map(re.escape, TYPOS), key=len, reverse=True)))
FILLERS = ("说实话，", "讲句良心话，", "您想想，", "说白了，", "不瞒您说，", "其实", "唉，", "真的，", "")


def vary(rng: random.Random, text: str, rate: float = 0.6) -> str:
    """Replace words by synonyms at `rate` so that shared phrases rarely survive as long runs."""
    def pick(m: re.Match) -> str:
        return rng.choice(SYNONYMS[m.group(0)]) if rng.random() < rate else m.group(0)
    return _SYN_RE.sub(pick, text)


def typos(rng: random.Random, text: str, rate: float) -> str:
    """Introduce the homophone slips people make when writing by hand (的/得, 在/再 ...)."""
    if rate <= 0:
        return text
    def pick(m: re.Match) -> str:
        return TYPOS[m.group(0)] if rng.random() < rate else m.group(0)
    return _TYPO_RE.sub(pick, text)


def cn_number(value: int) -> str:
    """Digits as 〇一二三 (for 二〇二三年), one character per digit."""
    return "".join(CN_DIGITS[int(d)] for d in str(value))


def cn_small(value: int) -> str:
    """1..31 in words (十一, 二十六) for month and day."""
    tens, ones = divmod(value, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + ("" if ones == 0 else CN_DIGITS[ones])


def write_date(rng: random.Random, day: date) -> str:
    """A date in one of the forms people write: 2023年11月6日, 二〇二三年十一月六日, 2023.11.6, ..."""
    style = rng.randrange(6)
    if style == 0:
        return f"{day.year}年{day.month}月{day.day}日"
    if style == 1:
        return f"{cn_number(day.year)}年{cn_small(day.month)}月{cn_small(day.day)}日"
    if style == 2:
        return f"{day.year}.{day.month}.{day.day}"
    if style == 3:
        return f"{day:%Y-%m-%d}"
    if style == 4:
        return f"{day.year}年{day.month:02d}月{day.day:02d}日"
    return f"{day.year % 100}年{day.month}月{day.day}号"


def join(rng: random.Random, sentences: list[str]) -> str:
    """Sentences with varied connectors, so that no two letters share a long run of joined sentences."""
    out = []
    for i, sentence in enumerate(x for x in sentences if x):
        out.append((rng.choice(CONNECTORS) if i else "") + end(sentence))
    return "".join(out)


def end(text: str) -> str:
    """Close a sentence unless it already ends with punctuation."""
    return text if not text or text[-1] in "。！？：；!?" else text + "。"
