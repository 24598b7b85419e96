import pytest

from yrd.extract.amounts import find_amounts, parse_chinese_number


def only(text: str) -> dict:
    """The one amount found in ``text``, with its span checked against the slice."""
    found = find_amounts(text)
    assert len(found) == 1, found
    a = found[0]
    assert text[a["start"]:a["end"]] == a["text"]
    return a


# (sentence, span expected, value, unit, approx)
CASES = [
    # money, in base units
    ("长三角生态绿色一体化发展示范区今年安排重大项目总投资86.37亿元。", "86.37亿元", 8637000000, "CNY", "exact"),
    ("嘉善县引进的外资项目合同外资达3.2亿美元。", "3.2亿美元", 320000000, "USD", "exact"),
    ("德国企业在太仓追加投资4500万欧元建设新工厂。", "4500万欧元", 45000000, "EUR", "exact"),
    ("该镇去年完成村级集体经营性收入一千零二十万元。", "一千零二十万元", 10200000, "CNY", "exact"),
    ("项目注册资本为100000万美元，由三方共同出资。", "100000万美元", 1000000000, "USD", "exact"),
    ("公司公告称本次募集资金净额为47.264287亿元。", "47.264287亿元", 4726428700, "CNY", "exact"),
    ("吴江区拨付专项补助资金3541.07万元用于河道整治。", "3541.07万元", 35410700, "CNY", "exact"),
    ("长三角地区生产总值突破30万亿元，占全国近四分之一。", "突破30万亿元", 30000000000000, "CNY", "over"),
    ("示范区将设立规模2.5万亿元的产业引导基金群。", "2.5万亿元", 2500000000000, "CNY", "exact"),
    ("该港资项目总投资8亿港元，主要建设冷链物流中心。", "8亿港元", 800000000, "HKD", "exact"),
    ("日方企业计划出资50亿日元在苏州工业园区扩产。", "50亿日元", 5000000000, "JPY", "exact"),
    ("英国基金以2亿英镑参股临港新片区的海上风电项目。", "2亿英镑", 200000000, "GBP", "exact"),
    ("韩资企业在盐城追加投资1200亿韩元建设电池工厂。", "1200亿韩元", 120000000000, "KRW", "exact"),
    ("双方签约金额达5000万元人民币，用于共建研发中心。", "5000万元人民币", 50000000, "CNY", "exact"),
    ("合肥市对固定资产投资3千万元以上的项目给予奖励。", "3千万元以上", 30000000, "CNY", "over"),
    ("安徽省新兴产业引导基金规模将达1.5万亿元。", "1.5万亿元", 1500000000000, "CNY", "exact"),
    ("芜湖市今年计划完成工业投资超百亿元。", "超百亿元", 10000000000, "CNY", "over"),
    ("该园区去年实现营业收入100多亿元，同比增长明显。", "100多亿元", 10000000000, "CNY", "over"),
    ("本期债券发行规模约为3.5亿元。", "约为3.5亿元", 350000000, "CNY", "about"),
    ("南通市今年新开工项目总投资近3000亿元。", "近3000亿元", 300000000000, "CNY", "about"),
    ("首批入库的科创企业平均融资额不到500万元。", "不到500万元", 5000000, "CNY", "under"),
    ("单个项目补助额度不超过200万元。", "不超过200万元", 2000000, "CNY", "under"),
    ("预计带动社会投资30亿元左右。", "30亿元左右", 3000000000, "CNY", "about"),
    ("宁波舟山港与上海港共建千亿级航运服务产业集群。", "千亿级", 100000000000, "CNY", "order"),
    ("沪苏浙皖共同打造若干万亿级先进制造业集群。", "万亿级", 1000000000000, "CNY", "order"),
    # percentages
    ("今年上半年，长三角三省一市外贸进出口同比增长5.6%。", "5.6%", 5.6, "percent", "exact"),
    ("跨省通办事项办结率提高到百分之三十以上。", "百分之三十以上", 30, "percent", "over"),
    ("研发经费投入强度比上年提高0.3个百分点。", "0.3个百分点", 0.3, "percentage_point", "exact"),
    ("示范区单位地区生产总值能耗下降不低于14%。", "不低于14%", 14, "percent", "over"),
    # areas and lengths
    ("该片区规划面积12.8平方公里，覆盖周边街道。", "12.8平方公里", 12.8, "km2", "exact"),
    ("先行启动区面积约为12.8平方千米。", "约为12.8平方千米", 12.8, "km2", "about"),
    ("新建的科创孵化中心建筑面积4.2万平方米。", "4.2万平方米", 42000, "m2", "exact"),
    ("当地流转土地3000亩用于建设现代农业示范园。", "3000亩", 3000, "mu", "exact"),
    ("沪苏湖铁路全长约164公里，串联沪苏浙三地。", "约164公里", 164, "km", "about"),
    # counts, people, containers, tonnes
    ("本次集中签约的60个项目涉及集成电路、生物医药等领域。", "60个", 60, "count", "exact"),
    ("共有18家企业入选首批长三角专精特新名单。", "18家", 18, "count", "exact"),
    ("会上发布了26项举措，推动公共服务便利共享。", "26项", 26, "count", "exact"),
    ("G60科创走廊沿线9个城市共同签署合作协议。", "9个", 9, "count", "exact"),
    ("企业今年已完成更新改造设备1200余台（套）。", "1200余台（套）", 1200, "count", "over"),
    ("长三角铁路春运期间累计发送旅客2380万人次。", "2380万人次", 23800000, "person_time", "exact"),
    ("太仓港今年集装箱吞吐量有望达到850万标准箱。", "850万标准箱", 8500000, "TEU", "exact"),
    ("该港区全年完成货物吞吐量1.2亿吨。", "1.2亿吨", 120000000, "t", "exact"),
    ("活动吸引了两千多名青年人才前来对接。", "两千多名", 2000, "person", "over"),
    ("已有上万家企业接入长三角征信链平台。", "上万家", 10000, "count", "over"),
    ("目前园区共集聚逾500家生物医药企业。", "逾500家", 500, "count", "over"),
    ("新能源汽车产量是五年前的２倍。", "２倍", 2, "times", "exact"),
]


@pytest.mark.parametrize("text, span, value, unit, approx", CASES)
def test_amount(text, span, value, unit, approx):
    a = only(text)
    assert a["text"] == span
    assert a["start"] == text.index(span)
    assert a["value"] == value
    assert a["unit"] == unit
    assert a["approx"] == approx
    assert a["value_max"] is None


def test_value_is_exact_not_float_noise():
    a = only("募集资金47.264287亿元")
    assert a["value"] == 4726428700 and isinstance(a["value"], int)


@pytest.mark.parametrize(
    "text, span, low, high, unit",
    [
        ("项目总投资预计在20亿至30亿元之间。", "20亿至30亿元", 2000000000, 3000000000, "CNY"),
        ("单个基金规模20亿—30亿元不等。", "20亿—30亿元", 2000000000, 3000000000, "CNY"),
        ("每年安排专项资金20-30亿元。", "20-30亿元", 2000000000, 3000000000, "CNY"),
        ("预计带动区域经济增速提高5至8个百分点。", "5至8个百分点", 5, 8, "percentage_point"),
        ("外资项目到位资金1亿-2亿美元。", "1亿-2亿美元", 100000000, 200000000, "USD"),
        ("核心区土地出让收入占比控制在20%—30%。", "20%—30%", 20, 30, "percent"),
        ("每个村集体补助二十至三十万元。", "二十至三十万元", 200000, 300000, "CNY"),
        ("单个项目奖励三至五千万元。", "三至五千万元", 30000000, 50000000, "CNY"),
        ("配套资金5000万—1亿元。", "5000万—1亿元", 50000000, 100000000, "CNY"),
    ],
)
def test_range(text, span, low, high, unit):
    a = only(text)
    assert (a["text"], a["value"], a["value_max"], a["unit"]) == (span, low, high, unit)
    assert text[a["start"]:a["end"]] == span


def test_increase_then_level_is_two_amounts_not_a_range():
    text = "全年研发投入增长5%至120亿元。"
    found = find_amounts(text)
    assert [(a["text"], a["unit"], a["value_max"]) for a in found] == [("5%", "percent", None), ("120亿元", "CNY", None)]


def test_speed_is_not_a_length():
    text = "沪苏湖铁路全长164公里，设计时速350公里。"
    assert [(a["text"], a["unit"], a["kind"]) for a in find_amounts(text)] == [
        ("164公里", "km", "length"), ("350公里", "km/h", "speed")]


def test_kinds_and_order():
    text = "嘉兴签约12个项目，总投资326亿元，其中外资项目投资5亿美元，用地800亩。"
    found = find_amounts(text)
    assert [(a["kind"], a["unit"], a["value"]) for a in found] == [
        ("count", "count", 12), ("money", "CNY", 32600000000), ("money", "USD", 500000000), ("area", "mu", 800)]
    assert all(text[a["start"]:a["end"]] == a["text"] for a in found)


@pytest.mark.parametrize(
    "text",
    [
        "四人民币",  # a bare numeral before a currency word is no sum
        "推动长三角一体化高质量发展，共建“一带一路”。",
        "“十四五”时期，上海、江苏、浙江、安徽将深化合作。",
        "到2027年，基本建成现代化都市圈。",
        "会议于2019-03发布纪要，9月18日再次召开。",
        "咨询电话0571-88886666，手机13912345678。",
        "浦发银行(600000)和贵州茅台(600519.SH)今日公告。",
        "记者10:21从现场获悉，活动正式开始。",
        "G60科创走廊、5G网络和C919大飞机项目稳步推进。",
        "根据《条例》第三条和第3届联席会议的决定。",
        "深化“一网通办”，推行“一河一策”。",
        "两地出资比例为6∶4。",
        "项目编号为20230518，共计3年。",
        "惠及千家万户，吸引千人计划专家。",
        "深刻认识“两个确立”的决定性意义。",
        "打造一个世界级城市群，推动一批项目落地。",
        "部分零件出现损耗，三四个人在现场。",
        "单位万元GDP能耗持续下降，亿元以上项目加快推进。",
    ],
)
def test_no_false_amounts(text):
    assert find_amounts(text) == []


def test_ranking_and_ordinal_are_not_counts():
    assert find_amounts("该市排名前10名，居第二位。") == []


def test_approx_word_before_the_number_is_in_the_span():
    text = "全市高新技术企业超过1.2万家。"
    a = only(text)
    assert (a["text"], a["value"], a["approx"]) == ("超过1.2万家", 12000, "over")


@pytest.mark.parametrize(
    "s, value",
    [
        ("1,234.5", 1234.5),
        ("１２３", 123),
        ("3.2万", 32000),
        ("一千零二十万", 10200000),
        ("1.5万亿", 1500000000000),
        ("3千万", 30000000),
        ("两千", 2000),
        ("十二", 12),
        ("三百零五", 305),
        ("一亿二千万", 120000000),
        ("一万五", 15000),
        ("三点五", 3.5),
        ("二〇二三", 2023),
    ],
)
def test_parse_chinese_number(s, value):
    assert parse_chinese_number(s) == value


@pytest.mark.parametrize("s", ["", "十四五", "abc", "一体化"])
def test_parse_chinese_number_rejects(s):
    assert parse_chinese_number(s) is None


@pytest.mark.parametrize("text, span, value, approx", [
    ("超九成企业实现盈利", "超九成", 90, "over"),
    ("近八成受访者表示满意", "近八成", 80, "about"),
    ("六成以上的项目已开工", "六成以上", 60, "over"),
    ("占全国的一半以上", "一半以上", 50, "over"),
])
def test_shares_in_tenths(text, span, value, approx):
    [a] = [x for x in find_amounts(text) if x["unit"] == "percent"]
    assert (a["text"], a["value"], a["approx"]) == (span, value, approx)
    assert text[a["start"]:a["end"]] == a["text"]


@pytest.mark.parametrize("text", ["成都市与重庆市合作", "成为长三角的重要力量", "一成不变", "他们成立了联盟"])
def test_words_with_cheng_are_not_shares(text):
    assert [a for a in find_amounts(text) if a["unit"] == "percent"] == []
