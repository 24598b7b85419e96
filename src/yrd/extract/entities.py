"""People with their titles, and organisations with a kind.

People are found where Chinese news names them: after a title chain
(``南通市委常委、常务副市长周建华``), in a byline (``记者 金珠``); the name's
length is decided by what follows it (``宁波表示`` vs ``周建华在``), and every
later mention of the same name is collected. Organisations are found by their
suffix (委员会, 管委会, 海关, 集团, 大学, 开发区, 联盟, 铁路 …) and extended to the
left over the name until a boundary word, so long names stay whole
(``长三角生态绿色一体化发展示范区执行委员会``).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from ..resources import path
from .lexicon import Lexicon

_SURNAMES = set(
    "习王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳"
    "翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳"
    "时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖"
    "巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴"
    "丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾"
    "戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐",
             "端木", "澹台", "申屠", "万俟", "闻人", "轩辕")
_TITLE_WORDS = (
    "党组书记|党工委书记|工委书记|副书记|书记|常务副市长|副市长|市长|常务副区长|副区长|区长|常务副县长|副县长|县长|副镇长|镇长|"
    "常务副省长|副省长|省长|副主任|主任|副局长|局长|副厅长|厅长|副部长|部长|副主席|主席|总书记|副总理|总理|国务委员|委员长|副委员长|常委|委员|"
    "副院长|院长|副校长|校长|副董事长|董事长|副总经理|总经理|副总裁|总裁|首席执行官|首席科学家|首席经济学家|首席[\u4e00-\u9fff]{1,4}官|经理|副处长|处长|科长|副秘书长|秘书长|"
    "副会长|会长|副理事长|理事长|社长|总编辑|总编|记者|编辑|主持人|通讯员|教授|研究员|高级工程师|总工程师|工程师|院士|专家|代表|负责人|"
    "总统|首相|国王|女王|大使|总领事|领事|行长|副行长|所长|站长|馆长|队长|船长|机长|村支书|支书|网格员|创始人|合伙人|主理人|"
    "政委|司令员|检察长|庭长|审判长|发言人|新闻发言人|总经济师|总会计师|董事|监事|党委书记|厂长|车间主任|班长|组长|"
    "选手|运动员|队员|主教练|教练|冠军|村民|市民|游客|旅客|工人|农民|志愿者|医生|护士|律师|博士|学生|师傅|飞行员|驾驶员"
)
_TITLE = re.compile(
    r"(?P<chain>(?:[\u4e00-\u9fffA-Za-z（）]{0,24}?(?:" + _TITLE_WORDS + r")[、，和及]?){1,6}?)"
    # the name is not itself the start of another title in the chain (国家主席、中央军委主席习近平)
    r"(?!常务|副|党|[^\W\d_和与及、，]{0,4}(?:" + _TITLE_WORDS + r"))"
    r"(?P<name>[\u4e00-\u9fff·]{2,5})"
)
# where title words start: the literal words of _TITLE_WORDS (首席…官 by its 首席), leftmost-longest
_TITLE_WORD = Lexicon(w.split("[")[0] for w in _TITLE_WORDS.split("|"))
_CHAIN_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z（）]")
_FOREIGN_NAME_END = re.compile(r"(?:通电话|通话|会谈|会晤|会见|举行|进行|发表|访问|抵达|致电|出席|表示|说)")
_BYLINE = re.compile(r"(?:总台|本台|新华社|央视|本报|特约)?记者\s*(?P<name>[\u4e00-\u9fff]{2,3})(?=\s|[）)]|$|\n|报道|摄)")
_FOLLOW_WORDS = {
    "表示", "强调", "指出", "介绍", "出席", "主持", "会见", "会谈", "参加", "讲话", "致辞", "宣布", "提出", "认为", "透露", "称赞",
    "告诉", "希望", "要求", "前往", "来到", "考察", "调研", "视察", "陪同", "带领", "率领", "率团", "一行", "同志", "先生", "女士",
    "当天", "当选", "当日", "今天", "昨天", "日前", "近日", "分别", "共同", "一同", "见证", "签署", "代表", "回答", "接受", "说道",
    "指示", "批示", "寄语", "作出", "发表", "听取", "通报", "部署", "说明", "解释", "坦言", "直言", "感慨", "笑着", "对此", "也说",
    "夺得", "获得", "摘得", "夺冠", "获评", "荣获", "总书记", "书记", "主席", "总理", "市长", "部长", "主任", "委员", "院长", "校长", "教授", "专家", "同学", "老师", "等人", "等",
}
_NOT_NAME_STARTS = {
    "来到", "明确", "表示", "指出", "强调", "一行", "同志", "先后", "前往", "考察", "调研", "主持", "出席", "会见", "带领", "陪同",
    "亲切", "深入", "视察", "参观", "多次", "专门", "特别", "高度", "充分", "始终", "要求", "提出", "希望", "同时", "还有", "对此",
    "向记", "和记", "在会", "在讲", "代表", "当天", "今天", "日前", "近日", "首先", "随后", "其中", "他们", "我们", "大家", "相关",
}
_AFTER_NAME = set("在和与等说是的也还就到为对向同从将已称及并又都被把让给跟"
                  "、，。；：！？（）“”\"'《》 \n0123456789")
# 习近平总书记, 李强总理: the title after the name
_NAME_THEN_TITLE = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,3}?)(?P<title>总书记|副主席|主席|副总理|总理|委员长|同志)"
                              r"(?=[，。、在向对同和与主出强指表说来到的为五多亲考调视]|$)")
# 范恒蔚说, 张杰介绍: a name right before a speech verb, after a clause boundary
_NAME_SAYS = re.compile(r"(?:^|(?<=[，。：；“”\s]))(?P<name>[\u4e00-\u9fff]{2,3}?)(?=说|表示|介绍|指出|认为|坦言|告诉记者|透露)")
# where the titles and verbs that close those two patterns start (zero-width, so overlapping ones too)
_TITLE_AFTER_NAME = ("总书记", "副主席", "主席", "副总理", "总理", "委员长", "同志")
_SAYS = ("说", "表示", "介绍", "指出", "认为", "坦言", "告诉记者", "透露")
_CLAUSE_BREAK = frozenset("，。；：！？、\n ")
_FOREIGN_TITLES = ("总统", "首相", "国王", "女王", "总理", "大使", "总领事")
_NOT_NAMES = {"表示", "介绍", "指出", "强调", "同志", "一行", "等人", "们", "和", "说", "在", "出席", "会见"}

_ORG_SUFFIX = (
    ("执行委员会", "government"), ("管理委员会", "government"), ("委员会", "government"), ("管委会", "government"),
    ("执委会", "government"), ("人民政府", "government"), ("政府", "government"), ("办公厅", "government"),
    ("办公室", "government"), ("发展改革委", "government"), ("发改委", "government"), ("海关", "government"),
    ("公安局", "government"), ("检察院", "government"), ("法院", "government"), ("统计局", "government"),
    ("管理局", "government"), ("局", "government"), ("厅", "government"), ("部", "government"), ("总署", "government"),
    ("股份有限公司", "company"), ("有限公司", "company"), ("有限责任公司", "company"), ("公司", "company"),
    ("集团", "company"), ("银行", "company"), ("证券", "company"), ("交易所", "company"),
    ("大学", "university"), ("学院", "university"),
    ("研究院", "research"), ("研究所", "research"), ("实验室", "research"), ("科学院", "research"),
    ("高新技术产业开发区", "park"), ("经济技术开发区", "park"), ("开发区", "park"), ("高新区", "park"), ("经开区", "park"),
    ("产业园区", "park"), ("产业园", "park"), ("工业园区", "park"), ("园区", "park"), ("科技城", "park"), ("科学城", "park"),
    ("示范区", "zone"), ("自由贸易试验区", "zone"), ("自贸试验区", "zone"), ("自贸区", "zone"), ("新片区", "zone"),
    ("综合保税区", "zone"), ("保税区", "zone"), ("合作区", "zone"),
    ("产业联盟", "platform"), ("联盟", "platform"), ("协同创新中心", "platform"), ("创新中心", "platform"),
    ("服务中心", "platform"), ("研究中心", "research"), ("指挥中心", "government"), ("交易中心", "platform"),
    ("集结中心", "platform"), ("转移中心", "platform"), ("孵化中心", "platform"), ("检测中心", "platform"),
    ("科创走廊", "platform"), ("协会", "platform"), ("商会", "platform"), ("学会", "platform"), ("联合会", "platform"),
    ("代表团", "government"), ("省委", "government"), ("市委", "government"), ("区委", "government"), ("县委", "government"),
    ("铁路", "project"), ("高铁", "project"), ("城际", "project"), ("高速公路", "project"), ("高速", "project"),
    ("大桥", "project"), ("隧道", "project"), ("机场", "project"), ("运河", "project"), ("水电站", "project"),
    ("医院", "other"), ("博物馆", "other"), ("图书馆", "other"), ("电视台", "other"), ("日报", "other"),
)
_ORG_RE = re.compile(
    "|".join(sorted((re.escape(s) for s, _ in _ORG_SUFFIX), key=len, reverse=True)).replace(
        "|高速|", "|高速(?!发展|增长|运转|推进|路|度)|").replace("|中心|", "|(?<![为市])中心|").replace(
        "|部|", "|部(?!署|分|门|件|位|长|委|队|落)|").replace("|局|", "|局(?!长|面|势)|").replace("|厅|", "|厅(?!长)|")
)
# Words that end in an organisation suffix but are not organisations (格局, 餐厅, 全部, 系统工程 …).
_NOT_ORG_ENDINGS = (
    "格局", "布局", "大局", "结局", "开局", "当局", "变局", "困局", "破局", "新局", "时局", "大厅", "客厅", "餐厅", "展厅", "门厅", "前厅", "会议厅",
    "全部", "内部", "外部", "东部", "西部", "南部", "北部", "中部", "局部", "总部", "干部", "底部", "顶部", "头部", "腹部", "部分", "系统工程", "民心工程",
    "民生工程", "基础工程", "重点工程", "香港", "海港", "军港", "商港", "良港", "渔港", "出港", "进港", "空港", "信港", "重心", "主平台", "新平台", "大平台",
    "好平台", "公园", "乐园",
)
_GENERIC_ENDINGS = (
    "示范基地", "生产基地", "研发中心", "数据中心", "运营中心", "物流中心", "产业基金", "服务平台", "公共平台",
)
_ORG_KIND = dict(_ORG_SUFFIX)
_BOUNDARY_WORDS = (
    "今年以来", "今年", "去年", "以来", "目前", "当天", "此外", "同时", "其中", "这是", "这个", "该", "各", "全国", "我国", "首个", "一批",
    "多家", "成为", "作为", "打造", "设立", "组建", "依托", "包括", "加入", "位于", "来自", "通过", "落户", "签署", "签订", "举行", "召开",
    "发布", "成立", "揭牌", "联合", "共同", "携手", "推动", "支持", "参加", "出席", "表示", "介绍", "获悉", "记者", "据", "近日", "日前",
    "正式", "在", "和", "与", "及", "同", "由", "向", "对", "将", "了", "是", "的", "为", "从", "到", "于", "把", "被", "以", "等", "由",
    "并", "也", "还", "已", "后", "前", "以及", "还有", "都", "就", "让", "使", "开行", "首批", "这些", "这里", "那里",
    "新建", "建成", "开通", "启动", "投用", "开工", "完成", "实现", "形成", "加快", "积极", "主动", "全面", "深入", "进一步", "不断",
    "建设", "促进", "推出", "取消", "享受", "实施", "共建", "走进", "来到", "考察", "调研", "视察", "参观", "发挥", "毗邻", "加开",
    "投放", "当地", "主管部门", "部门", "企业", "龙头企业", "适时", "仅", "接", "累计", "上半年", "下半年", "首列", "途经", "经过",
    "连接", "依靠", "借助", "面向", "支持", "服务", "覆盖", "进入", "入驻", "引进", "招引", "吸引", "带动", "助力", "牵头", "主导",
)
# What ends a name on its left, written backwards: a character that is not part of names, a boundary word, or
# a measure word after a number (3家, 10个, 2025年; 国家 and 个人 do not end a name)
_REVERSED_STOP = re.compile(
    r"[^\u4e00-\u9fffA-Za-z0-9（）()·\-—]"
    "|" + "|".join(re.escape(w[::-1]) for w in sorted(set(_BOUNDARY_WORDS), key=len, reverse=True))
    + r"|[个家所座条批项年月日][0-9一二三四五六七八九十两几多余数百千万]"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_GENERIC_INFRA = re.compile(r"的|内|首条|首座|一条|多条|地区|区域|全国|国家|^长三角$|^长江$|沿线|沿江|沿海|城市")
_INFRA_SUFFIX = ("铁路", "高铁", "城际", "高速公路", "高速", "大桥", "隧道", "机场", "运河", "水电站")
_GENERIC_PREFIX = {"跨国", "境外", "国内", "国外", "外资", "民营", "国有", "相关", "航空", "科技", "物流", "保险", "投资", "上市",
                   "龙头", "平台", "互联网", "夜间", "城际", "普速", "省份", "沿海", "当地", "各地", "地方", "有关"}
# a generic word, or one with a single character more, before a suffix (外资企业…, 相关部门…): no name
_GENERIC_PREFIX_RE = re.compile("(?:" + "|".join(map(re.escape, sorted(_GENERIC_PREFIX, key=len, reverse=True))) + ")(?s:.)?")
_GENERIC = {"中心", "平台", "基地", "部", "局", "厅", "署", "港", "工程", "公司", "集团", "银行", "政府", "园区", "高速",
            "城际", "委员会", "办公室", "基金", "走廊", "联盟", "协会", "大学", "学院", "医院", "示范区"}


def _span(text: str, start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": text[start:end]}


def occurrences(text: str, word: str) -> list[dict]:
    """Every non-overlapping occurrence of ``word`` in ``text``, as spans."""
    out, n = [], len(word)
    i = text.find(word) if word else -1
    while i >= 0:
        out.append({"start": i, "end": i + n, "text": word})
        i = text.find(word, i + n)
    return out


def _anchored(pattern: re.Pattern, text: str, anchors: tuple[str, ...], back: tuple[int, ...]) -> list[re.Match]:
    """What ``pattern.finditer(text)`` finds, when every match holds one of the words ``anchors`` starting
    one of ``back`` characters after the match's start (a name of 2–3 characters before its title or
    verb): only those starts are tried, and the words are found with ``str.find`` at C speed."""
    starts = set()
    for word in anchors:
        i = text.find(word)
        while i >= 0:
            starts.update(i - k for k in back if i >= k)
            i = text.find(word, i + 1)
    starts = sorted(starts)
    out, pos = [], 0
    for st in starts:
        if st < pos:
            continue
        m = pattern.match(text, st)
        if m is not None:
            out.append(m)
            pos = max(m.end(), st + 1)
    return out


def _follows(text: str, i: int) -> bool:
    """Does a word that follows names (表示, 主持, 总书记 …) start at ``i``?"""
    return text[i:i + 2] in _FOLLOW_WORDS or text[i:i + 3] in _FOLLOW_WORDS or text[i:i + 1] in ("等", "说")


def _name_length(text: str, start: int, foreign: bool) -> int:
    """How many characters from ``start`` form the person's name."""
    if not foreign:
        two = text[start:start + 2]
        if two in _COMPOUND:
            return 4 if start + 3 < len(text) and text[start + 3] not in _AFTER_NAME else 3
        if text[start:start + 1] not in _SURNAMES:
            return 0
        if text[start:start + 2] in _NOT_NAME_STARTS:
            return 0
        third = text[start + 2:start + 3]
        if not third or third in _AFTER_NAME or _follows(text, start + 2):
            return 2
        return 3
    n = 0
    while start + n < len(text) and n < 6 and (n < 2 or (text[start + n] not in _AFTER_NAME and not _follows(text, start + n))):
        n += 1
    cut = _FOREIGN_NAME_END.search(text, start, start + n + 3)
    if cut and cut.start() - start >= 2:
        n = min(n, cut.start() - start)
    return n


def find_people(text: str) -> list[dict]:
    """Named people with their title (as written before the name) and every mention."""
    people: dict[str, dict] = {}
    pos = 0
    for tw_start, _, _ in _TITLE_WORD.find(text):
        if tw_start < pos:
            continue  # inside a chain already read
        # anchor the chain at the clause boundary before this title word (at most 24 characters back)
        left = 0
        for j in range(tw_start - 1, max(-1, tw_start - 26), -1):
            if text[j] in _CLAUSE_BREAK:
                left = j + 1
                break
        m = None
        for st in range(max(left, tw_start - 24, pos), tw_start + 1):
            if _CHAIN_CHAR.match(text, st):
                m = _TITLE.match(text, st)
                if m is not None:
                    break
        if m is None:
            continue
        chain = m.group("chain").rstrip("、，和及")
        start = m.start("name")
        foreign = chain.endswith(_FOREIGN_TITLES) or _names_a_country(chain)
        n = _name_length(text, start, foreign)
        pos = start + max(n, 1)  # the next title may follow right after this name (市长李明和副市长王强)
        if n < 2:
            continue
        name = text[start:start + n]
        if name in _NOT_NAMES or name[:2] in _NOT_NAMES or (not foreign and _is_institution(name)):
            continue
        title = _trim_title(chain)
        entry = people.setdefault(name, {"name": name, "title": title, "mentions": []})
        if not entry["title"] and title:
            entry["title"] = title
        # 政治局委员肖捷、何立峰: more names share the title
        nxt = start + n
        while text[nxt:nxt + 1] == "、":
            k = _name_length(text, nxt + 1, foreign)
            if k < 2:
                break
            other = text[nxt + 1:nxt + 1 + k]
            people.setdefault(other, {"name": other, "title": title, "mentions": []})
            nxt += 1 + k
        pos = max(pos, nxt)
    for m in _anchored(_NAME_THEN_TITLE, text, _TITLE_AFTER_NAME, (3, 2)):
        name = m.group("name")
        if name[:2] in _NOT_NAME_STARTS or name[0] not in _SURNAMES or _is_institution(name):
            continue
        entry = people.setdefault(name, {"name": name, "title": m.group("title"), "mentions": []})
        entry["title"] = entry["title"] or m.group("title")
    for m in _anchored(_NAME_SAYS, text, _SAYS, (3, 2)):
        name = m.group("name")
        if name in people or name[0] not in _SURNAMES or name[:2] in _NOT_NAME_STARTS or _is_place_word(name):
            continue
        people[name] = {"name": name, "title": None, "mentions": []}
    for m in _anchored(_BYLINE, text, ("记者",), (3, 2, 0)):
        name = m.group("name")
        if name[0] in _SURNAMES:
            people.setdefault(name, {"name": name, "title": "记者", "mentions": []})
    for name, entry in people.items():
        entry["mentions"] = occurrences(text, name)
    return [p for p in people.values() if p["mentions"]]


_INSTITUTION_END = set("院部委局会厅处办省市区县镇村港站所司队组团社馆台网报")


def _is_institution(name: str) -> bool:
    """国务院, 党中央: institutions that a title pattern can mistake for a name."""
    return name[-1] in _INSTITUTION_END or name in _known_organizations()


def _is_place_word(word: str) -> bool:
    from .places import _index

    return word in _index().forms


@lru_cache(maxsize=1)
def _country_re() -> re.Pattern:
    from .places import _index

    names = sorted((n for n in _index().countries if len(n) >= 2), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def _names_a_country(chain: str) -> bool:
    return _country_re().search(chain) is not None


def _trim_title(chain: str) -> str | None:
    """The title chain without a leading clause (``会上，``) or verb."""
    chain = re.split(r"[，。；：！？]", chain)[-1]
    # drop what precedes the title: a date tail, a verb or preposition (…1月11日同印度尼西亚总统)
    chain = re.sub(r"^.*(?:[年月日]|同|和|与|及|在|对|向|了|的|据|经|由|会见|陪同|出席|主持|参加|表示|介绍|会上)(?=[^、]{2,})", "", chain)
    return chain or None


def find_organizations(text: str, places: list[dict] | None = None) -> list[dict]:
    """Organisations by suffix, extended left to their full name; one entry per name with every mention.

    With the article's ``places``, a name starts at the first place it contains
    (``主管部门合肥市发展改革委`` → ``合肥市发展改革委``), and railways, roads and
    governments need a place in their name.
    """
    place_spans = None
    if places is not None:
        place_spans = sorted((m["start"], m["end"]) for p in places for m in p["mentions"])
    orgs: dict[str, dict] = {}
    place_starts = [a for a, _ in place_spans] if place_spans is not None else []
    reversed_text = text[::-1]
    for m in _ORG_RE.finditer(text):
        start = _org_start(text, m.start(), reversed_text)
        name = text[start:m.end()]
        if name.endswith(_NOT_ORG_ENDINGS) or (len(name) <= 6 and name.endswith(_GENERIC_ENDINGS)):
            continue
        if name in _GENERIC or len(name) - len(m.group()) < 2 or len(name) > 40:
            continue
        if not _HAN.search(name, 0, len(name) - len(m.group())):
            continue
        suffix = m.group()
        prefix = name[: len(name) - len(suffix)]
        if _GENERIC_PREFIX_RE.fullmatch(prefix):
            continue
        if place_spans is not None:
            start, name = _start_at_place(text, start, m.end(), place_spans, place_starts)
            prefix = name[: len(name) - len(suffix)]
            first = bisect_left(place_starts, start)
            has_place = first < len(place_starts) and place_starts[first] < m.end()
            if suffix in _INFRA_SUFFIX and (not has_place or len(prefix) > 10 or _GENERIC_INFRA.search(prefix)):
                continue  # 夜间高铁, 长三角地区铁路, 示范区内首条高速铁路: a kind of thing, not a named project
            if suffix == "政府" and not has_place:
                continue  # 适时投放政府 …: a government is named by its place
        kind = _ORG_KIND.get(suffix) or _ORG_KIND.get(re.sub(r"\(.*", "", suffix), "other")
        orgs.setdefault(name, {"name": name, "kind": kind, "mentions": []})
    known = _known_organizations()
    for name in dict.fromkeys(w for _, _, w in _known_organizations_lexicon().find_all(text)):
        orgs.setdefault(name, {"name": name, "kind": known[name], "mentions": []})
    # a shorter name contained in a longer one found elsewhere stays its own organisation only if it occurs alone
    for name, entry in orgs.items():
        entry["mentions"] = occurrences(text, name)
    names = sorted(orgs, key=len, reverse=True)
    out = []
    for name in names:
        entry = orgs[name]
        longer = [o for o in out if name in o["name"]]
        if longer:
            spans = {(s["start"], s["end"]) for o in longer for s in o["mentions"]}
            entry["mentions"] = [s for s in entry["mentions"]
                                 if not any(a <= s["start"] and s["end"] <= b for a, b in spans)]
        if entry["mentions"]:
            out.append(entry)
    return sorted(out, key=lambda o: o["mentions"][0]["start"])


@lru_cache(maxsize=1)
def _known_organizations() -> dict[str, str]:
    out = {}
    with open(path("organizations.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                name, kind, *rest = line.rstrip("\n").split("\t")
                out[name] = kind
    return out


@lru_cache(maxsize=1)
def _known_organizations_lexicon() -> Lexicon:
    return Lexicon(_known_organizations())


def _start_at_place(text: str, start: int, end: int, place_spans: list[tuple[int, int]],
                    place_starts: list[int]) -> tuple[int, str]:
    """Move the start of a candidate name to the first place mention inside it, if there is one."""
    for k in range(bisect_right(place_starts, start), len(place_spans)):
        a, b = place_spans[k]
        if a >= end:
            break
        if b <= end:
            if a - start >= 2:
                return a, text[a:end]
            break
    return start, text[start:end]


def _org_start(text: str, suffix_start: int, reversed_text: str) -> int:
    """Where the name ending in a suffix starts: left over name characters up to a boundary word (今年, 位于,
    在 …) or a number's measure word (3家), 30 characters at most.

    Walking left is a forward search in the reversed text, where one regex finds the first stop."""
    n = len(text)
    limit = max(0, suffix_start - 30)
    stop = _REVERSED_STOP.search(reversed_text, n - suffix_start, n - limit)
    i = n - stop.start() if stop else limit
    while i < suffix_start and text[i] in "（(":
        i += 1
    return i
