"""Demo data for cases: the units of each demo county (county departments, their outposts in
the towns, each town's four platforms), the responsibility list (责任清单, 51 items as in seed
004), the case categories (三必到, 四必报, disputes), the people who work cases in those units,
and ~40 demo cases replayed through cases.actions over the last ten weeks.

Reference data is matched by its natural key (a unit by town and name, an item by domain and
matter, a category by name, a person by username), so running `load` again adds nothing and
never overwrites what an admin changed. Demo cases are all or nothing: see `_load_cases`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cases import actions
from cases.models import (
    Case,
    CaseEvent,
    Category,
    CountyCall,
    Department,
    Mediation,
    ResponsibilityItem,
)
from cases.workflow import CaseError
from gridgov.models import OutboxMessage
from grids.demo import (
    BOWANG,
    CHENGGU,
    DEMO_PASSWORD,
    LAWAN_MICRO_1,
    LIANGJIAAN_GRID_1,
    MOUDING,
    SHAHEYING,
    demo_counties,
)
from grids.models import GridNode, Tier
from staff import actions as staff_actions
from staff.models import Assignment, Role

# ---------------------------------------------------------------- units

# Area codes: 城固县 (汉中) 0916, 牟定县 (楚雄) 0878; local numbers of seven digits.
PHONE_PREFIX = {CHENGGU: "0916-72", MOUDING: "0878-52"}

# key, name. The key names the unit in the responsibility list and in the demo cases.
COUNTY_DEPARTMENTS = [
    ("natural", "县自然资源局"),
    ("ecology", "县生态环境分局"),
    ("housing", "县住房和城乡建设局"),
    ("enforcement", "县综合行政执法局"),
    ("market", "县市场监督管理局"),
    ("civil", "县民政局"),
    ("hrss", "县人力资源和社会保障局"),
    ("police", "县公安局"),
    ("agriculture", "县农业农村局"),
    ("water", "县水利局"),
    ("justice", "县司法局"),
    ("health", "县卫生健康局"),
    ("emergency", "县应急管理局"),
]

# The county departments stationed in every demo town (派驻机构), named 「镇名 + suffix」.
OUTPOSTS = [
    ("natural", "自然资源所"),
    ("market", "市场监管所"),
    ("police", "派出所"),
    ("justice", "司法所"),
]

# A town's four platforms (四个子平台, seed 000).
PLATFORMS = [
    (Department.Platform.GOVERNANCE, "综治平台"),
    (Department.Platform.MARKET, "市场监管平台"),
    (Department.Platform.ENFORCEMENT, "综合执法平台"),
    (Department.Platform.CONVENIENCE, "便民服务平台"),
]


def _demo_towns() -> list[str]:
    """The demo towns of grids.demo: each gets the outposts and its four platforms."""
    return [p.code for county in demo_counties() for p in county.walk() if p.tier == Tier.TOWN]


def _phone(county_code: str, n: int) -> str:
    """A plausible local number, fixed for a given n."""
    return f"{PHONE_PREFIX.get(county_code, '0916-72')}{(n * 7919 + 12345) % 90000 + 10000:05d}"


def _short(town_name: str) -> str:
    """沙河营镇 → 沙河营, 博望街道 → 博望: how outposts are named locally."""
    for suffix in ("街道", "镇", "乡"):
        if town_name.endswith(suffix) and len(town_name) > len(suffix) + 1:
            return town_name[: -len(suffix)]
    return town_name


def _ensure_units(say) -> int:
    added, demo_towns = 0, _demo_towns()
    for county_code in (CHENGGU, MOUDING):
        county = GridNode.objects.filter(code=county_code, tier=Tier.COUNTY).first()
        if county is None:
            say(f"{county_code}: not in the tree, no units added")
            continue
        parents = {}
        for n, (key, name) in enumerate(COUNTY_DEPARTMENTS, start=1):
            unit, created = Department.objects.get_or_create(
                node=county,
                name=name,
                defaults={
                    "kind": Department.Kind.COUNTY_DEPARTMENT,
                    "phone": _phone(county_code, n),
                },
            )
            parents[key], added = unit, added + created
        towns = GridNode.objects.filter(
            tree_id=county.tree_id, tier=Tier.TOWN, code__in=demo_towns
        ).order_by("code")
        for t, town in enumerate(towns, start=1):
            short = _short(town.name)
            for n, (key, suffix) in enumerate(OUTPOSTS, start=1):
                _unit, created = Department.objects.get_or_create(
                    node=town,
                    name=short + suffix,
                    defaults={
                        "kind": Department.Kind.OUTPOST,
                        "parent": parents[key],
                        "phone": _phone(county_code, 100 * t + n),
                    },
                )
                added += created
            for n, (platform, suffix) in enumerate(PLATFORMS, start=1):
                _unit, created = Department.objects.get_or_create(
                    node=town,
                    name=town.name + suffix,
                    defaults={
                        "kind": Department.Kind.PLATFORM,
                        "platform": platform,
                        "phone": _phone(county_code, 100 * t + 10 + n),
                    },
                )
                added += created
    say(f"units: {added} departments, outposts and platforms added")
    return added


# ---------------------------------------------------------------- 责任清单 (seed 004)

TOWN = None  # the owner of an item the town answers for itself


@dataclass(frozen=True)
class Item:
    key: str
    domain: str
    matter: str
    department: str | None  # a COUNTY_DEPARTMENTS key, or TOWN
    lead_unit: str
    supporting_units: str
    section: str
    instructions: str


# 51 items, as many as 郯城县's list (seed 004). Items are global in the current model: the
# department-owned ones point at 城固县's departments, and their phones are 城固 numbers.
ITEMS = [
    # 自然资源
    Item(
        "n_farmland",
        "自然资源",
        "违法占用耕地建房",
        "natural",
        "县自然资源局",
        "镇人民政府(街道办事处)、派驻自然资源所、县农业农村局",
        "执法监察大队",
        "网格员发现即报。派驻自然资源所24小时内到场核查、制止并取证;当事人拒不停止的,"
        "报县局执法监察大队立案查处,镇政府配合拆除、复耕。",
    ),
    Item(
        "n_homestead",
        "自然资源",
        "宅基地确权登记与界址争议",
        "natural",
        "县自然资源局",
        "镇人民政府(街道办事处)、派驻自然资源所、村委会",
        "不动产登记中心",
        "先由村、镇依据确权登记资料调解;需调档或更正登记的,由自然资源所调取档案、"
        "现场测量,不动产登记中心出具意见。",
    ),
    Item(
        "n_expropriation",
        "自然资源",
        "征地补偿安置争议",
        "natural",
        "县自然资源局",
        "镇人民政府(街道办事处)、县司法局、项目建设单位",
        "耕地保护和征地管理股",
        "公开征地批复和补偿标准;对评估结果有异议的,可申请复核评估;"
        "协调不成的,告知行政复议和诉讼途径,防止矛盾激化。",
    ),
    Item(
        "n_geohazard",
        "自然资源",
        "地质灾害隐患排查与避险",
        "natural",
        "县自然资源局",
        "镇人民政府、县应急管理局、村委会",
        "地质环境股",
        "发现裂缝、滑塌等迹象立即上报,设置警示标志,危险区内人员先行撤离;"
        "县局组织专业队伍勘查,提出监测或治理方案。",
    ),
    # 生态环境
    Item(
        "e_pollution",
        "生态环境",
        "工业企业废水废气污染",
        "ecology",
        "县生态环境分局",
        "镇人民政府(街道办事处)、派驻市场监管所",
        "环境监察执法大队",
        "接报后2小时内联系举报人,24小时内现场检查、采样监测;超标排放的依法立案,"
        "责令整改并向镇、村反馈结果。",
    ),
    Item(
        "e_livestock",
        "生态环境",
        "畜禽养殖污染",
        "ecology",
        "县生态环境分局",
        "县农业农村局、镇人民政府",
        "环境监察执法大队",
        "养殖场粪污直排、乱堆的,分局现场取证、依法处罚;农业农村局指导粪污资源化利用,"
        "镇政府督促整改到位。",
    ),
    Item(
        "e_dispute",
        "生态环境",
        "环境污染损害纠纷调处",
        "ecology",
        "县生态环境分局",
        "镇综治中心、县司法局",
        "法规与标准股",
        "由分局出具监测数据和污染事实认定,镇综治中心组织调解;损害赔偿数额较大的,"
        "引导申请人民调解或诉讼。",
    ),
    # 城乡建设
    Item(
        "h_danger",
        "城乡建设",
        "农村危房排查改造",
        "housing",
        "县住房和城乡建设局",
        "镇人民政府、村委会",
        "村镇建设股",
        "网格员排查上报,镇政府组织初步鉴定;C、D级危房先行安置住户,"
        "符合条件的纳入危房改造计划,县住建局技术指导和验收。",
    ),
    Item(
        "h_property",
        "城乡建设",
        "物业服务纠纷",
        "housing",
        "县住房和城乡建设局",
        "街道办事处、社区居委会、业主委员会",
        "物业管理股",
        "社区先行协调物业企业与业主;涉及收费、服务质量违规的,由物业管理股约谈企业、"
        "责令整改,并纳入信用记录。",
    ),
    Item(
        "h_construction",
        "城乡建设",
        "建筑施工安全隐患",
        "housing",
        "县住房和城乡建设局",
        "镇人民政府(街道办事处)",
        "建设工程质量安全监督站",
        "接报后1个工作日内到场检查,存在重大隐患的责令停工整改,整改完成后复查销号。",
    ),
    Item(
        "h_gas",
        "城乡建设",
        "城镇燃气使用安全",
        "housing",
        "县住房和城乡建设局",
        "县应急管理局、县市场监督管理局、燃气企业",
        "燃气管理办公室",
        "发现燃气泄漏立即疏散、报警;日常隐患由燃气企业上门整改,"
        "违规储存、使用气瓶的由住建和市场监管部门依法查处。",
    ),
    # 综合执法
    Item(
        "f_street",
        "综合执法",
        "占道经营和流动摊贩",
        "enforcement",
        "县综合行政执法局",
        "镇综合执法平台、县公安局交警大队",
        "市容管理大队",
        "先劝导、后执法:引导摊贩进入市场或临时摊区经营;屡教不改的依法暂扣物品、处罚。",
    ),
    Item(
        "f_building",
        "综合执法",
        "城镇规划区违法建设",
        "enforcement",
        "县综合行政执法局",
        "县自然资源局、镇人民政府(街道办事处)",
        "规划执法大队",
        "发现在建违法建设即时制止;自然资源局出具规划认定意见后,执法局立案,"
        "限期自行拆除,逾期依法强制拆除。",
    ),
    # 市场监管
    Item(
        "m_food",
        "市场监管",
        "食品安全投诉举报",
        "market",
        "县市场监督管理局",
        "派驻市场监管所、镇人民政府",
        "食品安全监管股",
        "接报后24小时内由市场监管所现场检查;涉嫌食物中毒的立即控制现场、抽样送检,"
        "同时通报卫健部门。",
    ),
    Item(
        "m_consumer",
        "市场监管",
        "消费纠纷(12315投诉)",
        "market",
        "县市场监督管理局",
        "派驻市场监管所",
        "消费者权益保护股",
        "7个工作日内决定是否受理,受理后组织经营者与消费者调解;调解不成的,告知仲裁或诉讼途径。",
    ),
    Item(
        "m_equipment",
        "市场监管",
        "电梯、锅炉等特种设备安全",
        "market",
        "县市场监督管理局",
        "物业企业、使用单位",
        "特种设备安全监察股",
        "电梯困人由维保单位30分钟内到场救援;设备隐患责令停用整改,检验合格后方可使用。",
    ),
    # 民政
    Item(
        "c_dibao",
        "民政",
        "最低生活保障",
        "civil",
        "县民政局",
        "镇民政办、村委会",
        "社会救助股",
        "村委会协助申请,镇民政办入户调查、民主评议并公示,县民政局审核确认;"
        "对评定结果有异议的,复核并答复。",
    ),
    Item(
        "c_relief",
        "民政",
        "临时救助",
        "civil",
        "县民政局",
        "镇民政办、村委会",
        "社会救助股",
        "遭遇突发事件、意外伤害、重大疾病导致生活困难的,急难型救助可先行救助、后补手续;"
        "镇民政办3个工作日内上报。",
    ),
    Item(
        "c_support",
        "民政",
        "特困人员供养",
        "civil",
        "县民政局",
        "镇民政办、镇敬老院",
        "社会救助股",
        "无劳动能力、无生活来源、无法定赡养人的老年人、残疾人和未成年人,经审核纳入分散或集中供养。",
    ),
    Item(
        "c_elderly",
        "民政",
        "独居空巢老人关爱服务",
        "civil",
        "县民政局",
        "镇人民政府、村委会、志愿服务队",
        "养老服务股",
        "网格员每月走访(五必访);发现无人照料的,先由村里安排邻里、志愿者临时照料,"
        "县民政局评估后落实居家养老服务或机构供养。",
    ),
    Item(
        "c_children",
        "民政",
        "留守儿童和困境儿童关爱",
        "civil",
        "县民政局",
        "县教育局、镇人民政府、村委会(儿童主任)",
        "儿童福利股",
        "儿童主任和网格员建立台账;发现失学、无人监护的,当日报告,落实临时监护并协调学校劝返。",
    ),
    # 人力资源和社会保障
    Item(
        "r_wage",
        "人力资源和社会保障",
        "拖欠农民工工资",
        "hrss",
        "县人力资源和社会保障局",
        "县住房和城乡建设局、镇人民政府、县公安局",
        "劳动保障监察大队",
        "接到举报后5个工作日内立案核查,责令用工单位限期支付;工程项目从工资专户或"
        "保证金中支付;涉嫌拒不支付劳动报酬罪的移送公安。",
    ),
    Item(
        "r_arbitration",
        "人力资源和社会保障",
        "劳动人事争议仲裁",
        "hrss",
        "县人力资源和社会保障局",
        "镇劳动保障服务站、派驻司法所",
        "劳动人事争议仲裁院",
        "先行调解;调解不成的,5日内决定是否受理仲裁申请,45日内结案。",
    ),
    Item(
        "r_pension",
        "人力资源和社会保障",
        "城乡居民养老保险参保缴费",
        "hrss",
        "县人力资源和社会保障局",
        "镇劳动保障服务站、村协办员",
        "社会保险经办中心",
        "政策咨询由镇劳动保障服务站当场答复,或告知拨打12333;参保、补缴按规定程序办理。",
    ),
    # 公安
    Item(
        "p_order",
        "公安",
        "打架斗殴等治安案件",
        "police",
        "县公安局",
        "镇综治中心、村联防队",
        "辖区派出所",
        "网格员发现后立即报警并组织联防力量制止,派出所接警后快速出警、依法处置;"
        "民事赔偿部分可由镇综治中心组织调解。",
    ),
    Item(
        "p_migrant",
        "公安",
        "流动人口居住登记",
        "police",
        "县公安局",
        "网格员、房屋出租人",
        "辖区派出所(户籍室)",
        "网格员上门采集信息并告知居住登记义务,3日内通报派出所;出租房屋的由出租人落实登记责任。",
    ),
    Item(
        "p_traffic",
        "公安",
        "农村道路交通安全隐患",
        "police",
        "县公安局",
        "镇人民政府、县交通运输局",
        "交警大队",
        "劝导站和网格员劝导无牌无证、超员等违法行为;道路隐患点由交警大队会同交通部门"
        "设置标志、限期整治。",
    ),
    # 农业农村
    Item(
        "a_contract",
        "农业农村",
        "土地承包经营纠纷调解仲裁",
        "agriculture",
        "县农业农村局",
        "镇人民政府(农经站)、村委会",
        "农村经营管理站",
        "依据承包合同和确权登记资料,先由村、镇调解;调解不成的,"
        "可向县农村土地承包仲裁委员会申请仲裁。",
    ),
    Item(
        "a_animal",
        "农业农村",
        "动物疫病防控与病死畜禽处置",
        "agriculture",
        "县农业农村局",
        "镇畜牧兽医站、村委会",
        "动物疫病预防控制中心",
        "发现病死畜禽随意丢弃的,当日无害化处理;疑似重大动物疫情立即封锁现场、报告县疫控中心。",
    ),
    Item(
        "a_inputs",
        "农业农村",
        "假劣种子、化肥、农药",
        "agriculture",
        "县农业农村局",
        "县市场监督管理局、派驻市场监管所",
        "农业综合行政执法大队",
        "保存购买凭证和样品,执法大队抽样检测;确属假劣的,依法查处并协调赔偿。",
    ),
    # 水利
    Item(
        "w_sand",
        "水利",
        "河道非法采砂",
        "water",
        "县水利局",
        "县公安局、镇人民政府、镇综合执法平台",
        "水政监察大队",
        "发现盗采立即制止、取证,暂扣作业机具;水政监察大队立案处罚,"
        "涉嫌非法采矿罪的移送公安;损毁河床由当事人修复。",
    ),
    Item(
        "w_drinking",
        "水利",
        "农村供水保障",
        "water",
        "县水利局",
        "镇人民政府、村委会、供水单位",
        "农村供水管理站",
        "管网爆裂、停水的,供水单位24小时内抢修;停水超过24小时的,镇、村组织临时送水。",
    ),
    Item(
        "w_flood",
        "水利",
        "山洪灾害防御",
        "water",
        "县水利局",
        "镇人民政府、县应急管理局、村委会",
        "水旱灾害防御股",
        "汛期实行24小时值班,预警发布后村组按预案转移危险区群众,险情及时上报。",
    ),
    # 司法
    Item(
        "j_aid",
        "司法",
        "法律援助",
        "justice",
        "县司法局",
        "派驻司法所、村(社区)法律顾问",
        "法律援助中心",
        "经济困难或特殊案件当事人可向司法所申请,7个工作日内作出是否给予援助的决定。",
    ),
    Item(
        "j_correction",
        "司法",
        "社区矫正对象监督管理",
        "justice",
        "县司法局",
        "派驻司法所、派出所、网格员",
        "社区矫正管理股",
        "网格员协助掌握矫正对象动态,发现脱管、漏管或违规情形的,当日报告司法所。",
    ),
    Item(
        "j_released",
        "司法",
        "刑满释放人员安置帮教",
        "justice",
        "县司法局",
        "派驻司法所、镇综治中心、村委会",
        "基层工作股",
        "释放前衔接、释放后5日内见面谈话,落实帮教小组,协助解决就业、生活困难。",
    ),
    # 卫生健康
    Item(
        "k_medical",
        "卫生健康",
        "医疗纠纷",
        "health",
        "县卫生健康局",
        "县医疗纠纷人民调解委员会、县司法局",
        "医政医管股",
        "引导患方通过医调委调解、卫健部门行政调解或诉讼解决,防止医闹;镇村做好患方稳控和疏导。",
    ),
    Item(
        "k_epidemic",
        "卫生健康",
        "突发公共卫生事件和传染病疫情",
        "health",
        "县卫生健康局",
        "镇卫生院、镇人民政府、村卫生室",
        "县疾病预防控制中心",
        "发现聚集性发热、腹泻等情况立即报告镇卫生院,2小时内网络直报;县疾控中心开展流调和处置。",
    ),
    # 应急管理
    Item(
        "x_rescue",
        "应急管理",
        "自然灾害应急救援",
        "emergency",
        "县应急管理局",
        "镇人民政府、县消防救援大队",
        "应急救援股",
        "灾情发生后镇村先期处置、转移群众,县应急管理局统筹救援力量和救灾物资。",
    ),
    # The town's own duties (乡镇自身职责): not a matter for 乡呼县应 except in an emergency.
    Item(
        "t_neighbour",
        "综治",
        "邻里纠纷调解",
        TOWN,
        "镇综治中心(人民调解委员会)",
        "村(社区)调委会、派驻司法所",
        "综治办",
        "网格员先行调解;网格调解2次不成的报村,村2次不成的报镇综治中心,"
        "镇2次不成的报县综治中心(逐级调解,seed 002)。",
    ),
    Item(
        "t_family",
        "综治",
        "婚姻家庭纠纷调解",
        TOWN,
        "镇综治中心(人民调解委员会)",
        "镇妇联、派驻司法所、村调委会",
        "综治办",
        "及时介入防止矛盾激化;涉及家庭暴力的同时报告派出所,协助申请人身安全保护令。",
    ),
    Item(
        "t_civil",
        "综治",
        "债务、赔偿等一般民事纠纷调解",
        TOWN,
        "镇综治中心(人民调解委员会)",
        "派驻司法所、村调委会",
        "综治办",
        "调解达成协议的制作人民调解协议书,引导当事人申请司法确认;调解不成的告知诉讼途径。",
    ),
    Item(
        "t_stability",
        "综治",
        "不稳定因素排查与信访化解",
        TOWN,
        "镇综治中心(信访办)",
        "派出所、县信访局",
        "信访办",
        "网格员发现群体性苗头、极端情绪人员立即上报(四必报);镇综治中心当日研判,"
        "落实包案领导和稳控措施。",
    ),
    Item(
        "t_mental",
        "综治",
        "严重精神障碍患者服务管理",
        TOWN,
        "镇综治中心",
        "派出所、镇卫生院、县卫生健康局",
        "综治办",
        "关爱帮扶小组每月走访,督促按时服药;病情不稳定、有肇事肇祸倾向的,立即报告并协调送医。",
    ),
    Item(
        "t_safety",
        "应急管理",
        "安全隐患排查(自建房、小作坊、消防)",
        TOWN,
        "镇应急管理办",
        "县应急管理局、县住房和城乡建设局、县消防救援大队",
        "应急管理办",
        "网格员发现即报(四必报),镇应急管理办3日内复查;重大隐患挂牌督办,"
        "超出镇处置能力的报请县级部门。",
    ),
    Item(
        "t_emergency",
        "应急管理",
        "突发事件先期处置",
        TOWN,
        "镇人民政府(应急管理办)",
        "派出所、镇卫生院、县应急管理局、县消防救援大队",
        "应急管理办",
        "网格员第一时间到场(三必到)、报告,镇领导带队先期处置、疏散群众,"
        "需县级力量的同时呼叫(乡呼县应,突发事件可直接呼叫)。",
    ),
    Item(
        "t_facility",
        "城乡建设",
        "村庄道路、路灯等公共设施管护",
        TOWN,
        "镇规划建设办",
        "县住房和城乡建设局、村委会",
        "规划建设办",
        "公共设施损坏网格员必报(四必报);村级设施由村委会3日内修复,镇管设施由规划建设办安排维修。",
    ),
    Item(
        "t_straw",
        "生态环境",
        "秸秆禁烧",
        TOWN,
        "镇人民政府",
        "县生态环境分局、县农业农村局、村委会",
        "农业综合服务站",
        "禁烧期网格员每日巡查,发现火点立即扑灭、劝导;推广秸秆还田和离田利用。",
    ),
    Item(
        "t_river",
        "水利",
        "河道保洁与河长巡河",
        TOWN,
        "镇人民政府(镇级河长办)",
        "县水利局、村级河长、保洁员",
        "河长办",
        "村级河长每周巡河,发现垃圾当日组织清理;乱倒乱排的查明来源,涉及违法的移交相关部门。",
    ),
    Item(
        "t_water",
        "水利",
        "灌溉用水等水事纠纷调处",
        TOWN,
        "镇人民政府(水利站)",
        "县水利局、村委会",
        "水利站",
        "跨村水事纠纷由镇水利站会同综治中心调处,按用水习惯和水量分配方案协商轮灌。",
    ),
    Item(
        "t_homestead",
        "农业农村",
        "农村宅基地申请审批",
        TOWN,
        "镇人民政府",
        "县农业农村局、县自然资源局、村委会",
        "农业综合服务站",
        "村民向村组提出申请,村级公示无异议后报镇政府,镇政府联审后20个工作日内批复。",
    ),
]


def _ensure_items(say) -> tuple[int, dict[str, ResponsibilityItem]]:
    departments = {
        unit.name: unit
        for unit in Department.objects.filter(
            node__code=CHENGGU, kind=Department.Kind.COUNTY_DEPARTMENT
        )
    }
    names = dict(COUNTY_DEPARTMENTS)
    items, added = {}, 0
    for n, spec in enumerate(ITEMS, start=1):
        unit = departments.get(names[spec.department]) if spec.department else None
        if spec.department and unit is None:
            say(f"{spec.matter}: {names[spec.department]} of 城固县 is missing, item left out")
            continue
        item = ResponsibilityItem.objects.filter(domain=spec.domain, matter=spec.matter).first()
        if item is None:
            item = ResponsibilityItem.objects.create(
                domain=spec.domain,
                matter=spec.matter,
                owner=ResponsibilityItem.Owner.DEPARTMENT
                if unit
                else ResponsibilityItem.Owner.TOWN,
                department=unit,
                lead_unit=spec.lead_unit,
                supporting_units=spec.supporting_units,
                section=spec.section,
                phone=unit.phone if unit else _phone(CHENGGU, 500 + n),
                instructions=spec.instructions,
            )
            added += 1
        items[spec.key] = item
    say(f"responsibility list: {added} items added")
    return added, items


# ---------------------------------------------------------------- categories

G = Category.Group
# name, group, item key, suggested color, emergency
CATEGORIES = [
    # 三必到: emergencies, residents' accidents or hardship, neighbour disputes (seed 000)
    ("突发事件", G.MUST_ATTEND, "t_emergency", "red", True),
    ("火灾险情", G.MUST_ATTEND, "t_emergency", "red", True),
    ("疑似传染病疫情", G.MUST_ATTEND, "k_epidemic", "red", True),
    ("打架斗殴", G.MUST_ATTEND, "p_order", "orange", True),
    ("居民意外受伤", G.MUST_ATTEND, "c_relief", "orange", False),
    ("生活困难", G.MUST_ATTEND, "c_relief", "orange", False),
    ("独居老人无人照料", G.MUST_ATTEND, "c_elderly", "orange", False),
    ("邻里矛盾激化", G.MUST_ATTEND, "t_neighbour", "orange", False),
    # 四必报: instability, safety hazards, newcomers moving in, damaged public facilities
    ("不稳定因素", G.MUST_REPORT, "t_stability", "red", False),
    ("安全隐患", G.MUST_REPORT, "t_safety", "orange", False),
    ("地质灾害隐患", G.MUST_REPORT, "n_geohazard", "red", False),
    ("外来人员流入", G.MUST_REPORT, "p_migrant", "yellow", False),
    ("公共设施损坏", G.MUST_REPORT, "t_facility", "yellow", False),
    # 矛盾纠纷
    ("婚姻家庭纠纷", G.DISPUTE, "t_family", "orange", False),
    ("邻里纠纷", G.DISPUTE, "t_neighbour", "yellow", False),
    ("宅基地纠纷", G.DISPUTE, "n_homestead", "orange", False),
    ("土地承包纠纷", G.DISPUTE, "a_contract", "orange", False),
    ("劳动争议和欠薪", G.DISPUTE, "r_wage", "orange", False),
    ("物业纠纷", G.DISPUTE, "h_property", "yellow", False),
    ("征地拆迁纠纷", G.DISPUTE, "n_expropriation", "red", False),
    ("环境污染纠纷", G.DISPUTE, "e_dispute", "orange", False),
    ("债务纠纷", G.DISPUTE, "t_civil", "orange", False),
    ("消费纠纷", G.DISPUTE, "m_consumer", "yellow", False),
    ("医疗纠纷", G.DISPUTE, "k_medical", "red", False),
    ("水事纠纷", G.DISPUTE, "t_water", "orange", False),
    # Others the grids meet every week
    ("占用耕地建房", G.OTHER, "n_farmland", "red", False),
    ("违法建设", G.OTHER, "f_building", "orange", False),
    ("占道经营", G.OTHER, "f_street", "yellow", False),
    ("河道垃圾", G.OTHER, "t_river", "yellow", False),
    ("盗采砂石", G.OTHER, "w_sand", "red", False),
    ("焚烧秸秆", G.OTHER, "t_straw", "yellow", False),
    ("食品安全", G.OTHER, "m_food", "orange", False),
    ("环境污染", G.OTHER, "e_pollution", "orange", False),
    ("养殖污染", G.OTHER, "e_livestock", "orange", False),
    ("危房", G.OTHER, "h_danger", "orange", False),
    ("病死畜禽", G.OTHER, "a_animal", "yellow", False),
    ("低保救助", G.OTHER, "c_dibao", "orange", False),
    ("留守儿童关爱", G.OTHER, "c_children", "yellow", False),
    ("社区矫正人员", G.OTHER, "j_correction", "orange", False),
    ("社保政策咨询", G.OTHER, "r_pension", "yellow", False),
]


def _ensure_categories(items: dict[str, ResponsibilityItem], say) -> int:
    added = 0
    for name, group, item_key, color, emergency in CATEGORIES:
        _category, created = Category.objects.get_or_create(
            name=name,
            defaults={
                "group": group,
                "responsibility": items.get(item_key),
                "suggested_color": color,
                "emergency": emergency,
            },
        )
        added += created
    say(f"categories: {added} added")
    return added


# ---------------------------------------------------------------- people who work cases


@dataclass(frozen=True)
class Staff:
    username: str
    full_name: str
    role: str
    place_code: str
    unit: str = ""  # the Department they work for, in the town or county of place_code


ROLE_LABELS = {
    Role.CENTER_STAFF: "综治中心工作人员 Governance-center staff",
    Role.DEPARTMENT: "县直部门 County department staff",
    Role.OUTPOST: "派驻机构 Outpost staff",
    Role.GRID_CHIEF: "网格长 Grid chief",
    Role.INSTRUCTOR: "网格指导员 Instructor",
}

XUJIAYING = "610722107202"  # 徐家营村
LAWAN = "532323101201"  # 腊湾村
LAWAN_GRID_1 = "532323101201001"  # 腊湾村一组网格
GONGHE = "532323101"  # 共和镇

STAFF = [
    Staff("yangkezhang", "杨振华", Role.CENTER_STAFF, CHENGGU),  # 县综治中心
    Staff("liuguotu", "刘国栋", Role.DEPARTMENT, CHENGGU, "县自然资源局"),
    Staff("sunminzheng", "孙敏", Role.DEPARTMENT, CHENGGU, "县民政局"),
    Staff("guolaobao", "郭立新", Role.DEPARTMENT, CHENGGU, "县人力资源和社会保障局"),
    Staff("maziyuan", "马志远", Role.OUTPOST, SHAHEYING, "沙河营自然资源所"),
    Staff("huangjingguan", "黄海军", Role.OUTPOST, SHAHEYING, "沙河营派出所"),
    Staff("xusifa", "徐静", Role.OUTPOST, SHAHEYING, "沙河营司法所"),
    Staff("wushijian", "吴丽", Role.OUTPOST, SHAHEYING, "沙河营市场监管所"),
    Staff("zhengzhifa", "郑志刚", Role.CENTER_STAFF, SHAHEYING, "沙河营镇综合执法平台"),
    Staff("xushuji", "徐长林", Role.GRID_CHIEF, XUJIAYING),
    Staff("mdzhidao", "罗志明", Role.INSTRUCTOR, LAWAN_GRID_1),
    Staff("mdshuji", "李正华", Role.GRID_CHIEF, LAWAN),
    Staff("mdzhen", "杨文华", Role.CENTER_STAFF, GONGHE),
    Staff("mdxian", "鲁国平", Role.CENTER_STAFF, MOUDING),
]


def _unit_for(staff: Staff, node: GridNode) -> Department | None:
    if not staff.unit:
        return None
    return Department.objects.filter(
        name=staff.unit, node__tree_id=node.tree_id, node__lft__lte=node.lft
    ).first()


def _place_label(node: GridNode) -> str:
    """县 › 镇 › the place itself, as grids.demo labels its logins."""
    upper = node.get_ancestors().filter(tier__in=[Tier.COUNTY, Tier.TOWN])
    return " › ".join([*(n.name for n in upper), node.name])


def _ensure_staff(say) -> tuple[int, int, list[dict]]:
    user_model = get_user_model()
    usernames = [s.username for s in STAFF]
    users = {u.username: u for u in user_model.objects.filter(username__in=usernames)}
    nodes = {n.code: n for n in GridNode.objects.filter(code__in={s.place_code for s in STAFF})}
    held = set(
        Assignment.objects.filter(user__username__in=usernames).values_list(
            "user__username", "node__code", "role"
        )
    )
    # Hashing is slow on purpose; every demo login shares one password, so hash it once.
    password_hash = make_password(DEMO_PASSWORD) if set(usernames) - set(users) else ""
    users_added = grants_added = 0
    logins = []
    for staff in STAFF:
        user = users.get(staff.username)
        if user is None:
            user = staff_actions.user_create(
                actor=None,
                username=staff.username,
                full_name=staff.full_name,
                password=None,
                password_hash=password_hash,
            )
            users_added += 1
        node = nodes.get(staff.place_code)
        if node is None:
            say(f"{staff.username}: {staff.place_code} is no longer in the tree, no grant given")
            continue
        unit = _unit_for(staff, node)
        if (staff.username, staff.place_code, staff.role) not in held:
            grant = staff_actions.assignment_grant(
                actor=None, user_id=user.pk, node_id=node.pk, role=staff.role
            )
            grants_added += 1
            if unit is not None:
                # No action sets an assignment's unit yet (staff/actions.py); this is the one write.
                Assignment.objects.filter(pk=grant.pk).update(department=unit)
        logins.append(
            {
                "username": staff.username,
                "full_name": staff.full_name,
                "role": ROLE_LABELS.get(staff.role, staff.role),
                "place": _place_label(node),
                "unit": unit.name if unit else "",
            }
        )
    say(f"case staff: {users_added} users and {grants_added} assignments added")
    return users_added, grants_added, logins


# ---------------------------------------------------------------- demo cases

GRID = "@grid"  # as an actor: the grid worker of the grid where the case happened


@dataclass
class DemoCase:
    """One case as it happened: reported `days_ago` days before today at `hour` o'clock, then
    each step `after` hours after the one before it."""

    title: str
    place: str
    days_ago: int
    hour: float
    description: str
    by: str | None = GRID  # a username, GRID, or None for a resident (hotline, walk-in)
    source: str = "patrol"
    category: str = ""
    parties: str = ""
    location: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    steps: list[tuple[float, str, str | None, dict]] = field(default_factory=list)

    def then(self, after: float, verb: str, actor: str | None, **kw) -> DemoCase:
        self.steps.append((after, verb, actor, kw))
        return self


# Places of the 城固县 demo cases (grids.demo codes: village code + grid number).
def _g(village: str, n: int) -> str:
    return f"{SHAHEYING}{village}{n:03d}"


# 沙河营镇's villages by their code segment (grids.demo).
SHY_COMMUNITY = "001"  # 沙河营社区
LJA = "201"  # 梁家庵村
XJY = "202"  # 徐家营村
WANTOU = "203"  # 湾头村
MALING = "204"  # 马岭村
SHUANGMIAO = "205"  # 双庙村
XJM = "206"  # 许家庙村
SANHE = "207"  # 三合村
WULANG = "208"  # 五郎村
CAOBA = "209"  # 草坝村
DONGGUAN_1 = f"{BOWANG}001001"
DONGGUAN_MARKET = f"{BOWANG}001004"
NANJIE_1 = f"{BOWANG}002001"
XIYUANGONG_1 = f"{BOWANG}203001"

CZ = "chenzhuren"  # 沙河营镇综治中心


def demo_cases() -> list[DemoCase]:
    """The demo cases, oldest first. Every color, status, rung of the ladder and call state."""
    c = DemoCase
    return [
        # Seed 000: "梁家庵村两年轻人因琐事引发持械殴斗,网格员发现后,组织村联防小组第一时间予以制止"
        c(
            "梁家庵村两青年因琐事持械殴斗",
            LIANGJIAAN_GRID_1,
            68,
            21.5,
            "梁家庵村三组两名年轻人因琐事发生口角,继而持木棍、铁锹互殴,一人头部受伤。"
            "网格员巡查发现后,组织村联防小组第一时间予以制止,并将伤者送镇卫生院。",
            category="打架斗殴",
            parties="梁某某(23岁)、张某某(25岁)",
            location="梁家庵村三组村道",
        )
        .then(
            0.4,
            "accept",
            CZ,
            color="orange",
            note="三必到:已到场制止,交派出所依法处理",
            owner=SHAHEYING,
        )
        .then(0.1, "dispatch", CZ, unit="沙河营派出所")
        .then(0.3, "sign", "huangjingguan")
        .then(
            40,
            "resolve",
            "huangjingguan",
            result="派出所依法调查,对双方予以治安处罚;在镇综治中心主持下达成赔偿协议,"
            "张某某赔偿医药费3200元,双方签订和解书。",
        )
        .then(20, "verify", CZ, ok=True, note="回访双方,情绪稳定")
        .then(30, "rate", None, satisfaction=5, note="处理及时"),
        c(
            "邻居因排水沟走向起争执",
            _g(LJA, 2),
            66,
            10,
            "梁家庵村二组梁某家新修排水沟,雨水排向邻居李某院墙,两户为此争吵,李某扬言要堵沟。",
            category="邻里纠纷",
            parties="梁某(户主)、李某(邻居)",
            location="梁家庵村二组",
        )
        .then(1, "accept", CZ, color="yellow")
        .then(0.2, "dispatch", CZ, handler=GRID)
        .then(0.5, "sign", GRID)
        .then(
            4,
            "mediate",
            GRID,
            outcome="success",
            agreement="两户同意排水沟改走南侧,费用各半,李某院墙处加砌护坡。",
        )
        .then(18, "verify", CZ, ok=True)
        .then(48, "rate", None, satisfaction=4),
        # Seed 002's ladder: two failed mediations at a level send the case up.
        c(
            "梁某与李某宅基地边界纠纷",
            LIANGJIAAN_GRID_1,
            64,
            9,
            "梁某翻建房屋时地基向东扩出约0.8米,邻居李某认为占了自家宅基地,双方多次争执,险些动手。",
            category="宅基地纠纷",
            parties="梁某、李某",
            location="梁家庵村一组",
        )
        .then(1, "accept", CZ, color="orange")
        .then(0.5, "dispatch", CZ, handler="wanggang")
        .then(0.5, "sign", "wanggang")
        .then(
            24,
            "mediate",
            "wanggang",
            outcome="failure",
            agreement="梁某坚持按老墙基建房,李某要求退回0.8米",
        )
        .then(48, "mediate", "wanggang", outcome="failure", agreement="双方各执一词,未达成一致")
        .then(2, "dispatch", CZ, handler="liangshuji")
        .then(1, "sign", "liangshuji")
        .then(
            30, "mediate", "liangshuji", outcome="failure", agreement="村调委会组织老党员调解,未果"
        )
        .then(
            48, "mediate", "liangshuji", outcome="failure", agreement="李某不接受村里提出的折中方案"
        )
        .then(3, "dispatch", CZ, handler=CZ)
        .then(0.5, "sign", CZ)
        .then(
            48,
            "mediate",
            CZ,
            outcome="success",
            agreement="镇综治中心会同沙河营自然资源所调取宅基地确权图现场测量,以确权界址为准:"
            "梁某后退0.5米,李某让出排水通道,双方签订调解协议。",
        )
        .then(24, "verify", "lizhen", ok=True)
        .then(72, "rate", None, satisfaction=3, note="结果还算公道"),
        # 乡呼县应 (seed 004): beyond the town's power, the county department is called.
        c(
            "徐家营村12名村民被拖欠务工工资",
            _g(XJY, 1),
            62,
            15,
            "徐家营村12名村民在县城某建筑工地务工,包工头拖欠工资共计18.6万元,已近4个月,"
            "村民多次讨要未果,情绪激动,扬言要到县上集体上访。",
            category="劳动争议和欠薪",
            parties="徐某某等12名村民;包工头刘某;某建筑公司",
        )
        .then(1, "accept", CZ, color="orange", note="涉及集体讨薪,列入镇级清单", owner=SHAHEYING)
        .then(0.5, "dispatch", CZ, handler=CZ)
        .then(0.2, "sign", CZ)
        .then(
            20,
            "call_county",
            CZ,
            unit="县人力资源和社会保障局",
            grounds="经研判,用工单位在县城,镇里无劳动保障执法权;包工头失联,"
            "需县劳动保障监察大队立案,责令总承包单位支付。",
        )
        .then(
            40,
            "respond",
            "guolaobao",
            response="已立案调查,约谈施工总承包单位,责令10日内从农民工工资专用账户足额支付。",
        )
        .then(6, "rate_call", CZ, rating=5, note="响应及时")
        .then(2, "rate_necessity", "guolaobao", rating=5, note="确需县级处理")
        .then(
            150, "resolve", CZ, result="施工总承包单位已代付拖欠工资18.6万元,12名村民全部领到工资。"
        )
        .then(20, "verify", CZ, ok=True)
        .then(24, "rate", None, satisfaction=5),
        c(
            "湾头村河道堆积生活垃圾",
            _g(WANTOU, 2),
            60,
            8,
            "湾头村二组段支渠两岸堆积生活垃圾和建筑垃圾,汛期前若不清理将影响行洪。",
            category="河道垃圾",
            location="湾头村二组支渠",
        )
        .then(2, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler=GRID)
        .then(1, "sign", GRID)
        .then(28, "resolve", GRID, result="组织村保洁员清理垃圾约2车。")
        .then(20, "verify", CZ, ok=False, note="现场回看,北岸仍有建筑垃圾未清")
        .then(
            24,
            "resolve",
            GRID,
            result="联系挖掘机清运北岸建筑垃圾,设立“禁止倾倒”警示牌,纳入村级河长巡河台账。",
        )
        .then(10, "verify", CZ, ok=True),
        c(
            "独居老人梁某某行动不便无人照料",
            LIANGJIAAN_GRID_1,
            58,
            11,
            "五必访中发现:梁家庵村独居老人梁某某,82岁,子女在外务工,近期摔伤腿脚,"
            "行动不便,饮食起居无人照料。",
            category="独居老人无人照料",
            parties="梁某某(82岁)",
        )
        .then(1, "accept", CZ, color="orange", owner=SHAHEYING)
        .then(0.5, "dispatch", CZ, handler=CZ)
        .then(0.5, "sign", CZ)
        .then(
            4,
            "call_county",
            CZ,
            unit="县民政局",
            grounds="老人符合特困供养条件,需县民政局审核认定并安排集中供养评估;"
            "镇里已安排邻居先行临时照料。",
        )
        .then(
            30,
            "respond",
            "sunminzheng",
            response="已受理特困人员供养申请,安排县社会福利中心评估,评估期间可先入住镇敬老院。",
        )
        .then(5, "rate_call", CZ, rating=4)
        .then(
            50,
            "resolve",
            CZ,
            result="老人已入住沙河营镇敬老院,特困供养审核通过;村里安排志愿者每周探望。",
        )
        .then(24, "verify", CZ, ok=True)
        .then(48, "rate", None, satisfaction=5, note="感谢政府"),
        # 两呼两不呼: the outpost in town tries first, then the county is called.
        c(
            "马岭村村民占用基本农田建房",
            _g(MALING, 1),
            56,
            14,
            "马岭村一组村民马某未经审批,在承包的基本农田上打地基建房,占地约220平方米。",
            category="占用耕地建房",
            parties="马某",
            location="马岭村一组",
        )
        .then(1, "accept", CZ, color="red", owner=SHAHEYING)
        .then(0.5, "dispatch", CZ, unit="沙河营自然资源所")
        .then(1, "sign", "maziyuan")
        .then(
            8,
            "call_county",
            CZ,
            unit="县自然资源局",
            grounds="自然资源所已现场制止并下达停工通知,当事人拒不停工,需县局立案查处。",
        )
        .then(
            24,
            "respond",
            "liuguotu",
            response="执法监察大队已立案,下达《责令停止违法行为通知书》,会同镇政府限期拆除。",
        )
        .then(4, "rate_call", CZ, rating=4)
        .then(10, "rate_necessity", "liuguotu", rating=5)
        .then(
            500,
            "resolve",
            "maziyuan",
            result="违法建筑已拆除,土地已复耕;马某另按程序申请宅基地。",
        )
        .then(24, "verify", CZ, ok=True),
        c(
            "双庙村村民田间焚烧秸秆",
            _g(SHUANGMIAO, 3),
            55,
            16,
            "双庙村三组有村民在田间焚烧玉米秸秆,浓烟较大,火点距高压线不足50米。",
            category="焚烧秸秆",
        )
        .then(0.3, "accept", CZ, color="yellow")
        .then(0.1, "dispatch", CZ, handler=GRID)
        .then(0.2, "sign", GRID)
        .then(1.5, "resolve", GRID, result="已扑灭明火,讲解禁烧政策,联系农机合作社粉碎还田。")
        .then(15, "verify", CZ, ok=True)
        .then(30, "rate", None, satisfaction=4),
        c(
            "新街路灯损坏夜间无照明",
            _g(SHY_COMMUNITY, 3),
            53,
            20,
            "沙河营社区新街段5盏路灯不亮已一周,夜间行人和学生晚自习放学出行不便。",
            category="公共设施损坏",
            location="沙河营社区新街",
        )
        .then(14, "accept", CZ, color="yellow")
        .then(1, "dispatch", CZ, handler=GRID)
        .then(1, "sign", GRID)
        .then(46, "resolve", GRID, result="镇规划建设办更换灯头和线路,5盏路灯已恢复照明。")
        .then(20, "verify", CZ, ok=True)
        .then(30, "rate", None, satisfaction=3, note="修得有点慢"),
        c(
            "新街一段路灯晚上不亮",
            _g(SHY_COMMUNITY, 3),
            53,
            21,
            "居民来电:新街中段好几盏路灯晚上都不亮,孩子放学路上黑。",
            by=None,
            source="hotline",
            category="公共设施损坏",
            reporter_name="杨女士",
            reporter_phone="13891625521",
        ).then(
            13,
            "merge",
            CZ,
            into="新街路灯损坏夜间无照明",
            note="与网格员上报的新街路灯损坏为同一事项",
        ),
        # Seed 000: the town's 综合执法大队 handles 盗采砂石.
        c(
            "五郎村河段夜间盗采砂石",
            _g(WULANG, 4),
            52,
            23,
            "五郎村河段连续两晚有人用挖掘机盗采砂石,河床被挖出深坑,威胁河堤安全。",
            category="盗采砂石",
            location="五郎村四组河段",
        )
        .then(9, "accept", CZ, color="red", owner=SHAHEYING)
        .then(0.5, "dispatch", CZ, unit="沙河营镇综合执法平台")
        .then(1, "sign", "zhengzhifa")
        .then(
            70,
            "resolve",
            "zhengzhifa",
            result="综合执法大队联合派出所、水利站夜间蹲守,查扣挖掘机1台,移交县水利局水政监察大队"
            "立案处罚;深坑已回填。",
        )
        .then(24, "verify", CZ, ok=True),
        c(
            "五郎村河边夜里有挖掘机挖沙",
            _g(WULANG, 4),
            52,
            23.5,
            "村民来电:五郎村河边这两天夜里有挖掘机挖沙,声音很大。",
            by=None,
            source="hotline",
            category="盗采砂石",
            reporter_name="赵先生",
            reporter_phone="13709168842",
        ).then(10, "merge", CZ, into="五郎村河段夜间盗采砂石"),
        c(
            "孙某夫妇因家庭开支长期争吵闹离婚",
            _g(LJA, 3),
            50,
            19,
            "梁家庵村三组孙某与丈夫赵某因赡养老人和家庭开支长期争吵,近日孙某带孩子回了娘家,"
            "双方提出离婚。",
            category="婚姻家庭纠纷",
            parties="孙某、赵某",
        )
        .then(1, "accept", CZ, color="orange")
        .then(1, "dispatch", CZ, handler=GRID)
        .then(1, "sign", GRID)
        .then(24, "mediate", GRID, outcome="failure", agreement="双方情绪激动,未达成一致")
        .then(30, "mediate", GRID, outcome="failure", agreement="赵某不同意分担方案")
        .then(3, "dispatch", CZ, handler="liangshuji")
        .then(1, "sign", "liangshuji")
        .then(
            24,
            "mediate",
            "liangshuji",
            outcome="success",
            agreement="村调委会邀请双方父母和妇联主任共同调解,双方同意和好;"
            "约定家庭开支共同管理,赡养费由兄弟三人分担。",
        )
        .then(24, "verify", CZ, ok=True)
        .then(48, "rate", None, satisfaction=4),
        c(
            "徐家营村两户承包地地界不清起争执",
            _g(XJY, 3),
            47,
            10,
            "徐家营村两户因承包地调整后地界不清发生争执,何某在徐某地里种了油菜。",
            category="土地承包纠纷",
            parties="徐某、何某",
        )
        .then(
            2, "accept", CZ, color="orange", owner=XUJIAYING, note="涉及两个村民小组,列入村级清单"
        )
        .then(1, "dispatch", CZ, handler="xushuji")
        .then(2, "sign", "xushuji")
        .then(
            50,
            "mediate",
            "xushuji",
            outcome="success",
            agreement="依据二轮承包合同和确权登记簿重新钉桩定界;油菜收割后归还土地,"
            "何某补偿种子费300元。",
        )
        .then(24, "verify", CZ, ok=True),
        c(
            "凉皮店后厨卫生差居民食用后腹泻",
            _g(SHY_COMMUNITY, 1),
            45,
            12,
            "沙河营街面一家凉皮店后厨卫生差,有三名居民反映食用后腹泻。",
            category="食品安全",
            location="沙河营社区主街",
        )
        .then(1, "accept", CZ, color="orange", owner=SHAHEYING)
        .then(0.5, "dispatch", CZ, unit="沙河营市场监管所")
        .then(2, "sign", "wushijian")
        .then(
            26,
            "resolve",
            "wushijian",
            result="市场监管所现场检查,责令停业整改,抽检样品送检,对经营者立案调查;"
            "已督促赔偿就医费用。",
        )
        .then(20, "verify", CZ, ok=True)
        .then(40, "rate", None, satisfaction=5),
        # 退办: the unit it was first given to says it is not theirs.
        c(
            "砖厂工人受伤厂方拒付医疗费",
            _g(SANHE, 1),
            43,
            15,
            "三合村村民郑某在镇上某砖厂务工时被砸伤脚,砖厂以未签合同为由拒绝支付医疗费和误工费。",
            category="劳动争议和欠薪",
            parties="郑某;某砖厂",
        )
        .then(2, "accept", CZ, color="orange", owner=SHAHEYING)
        .then(1, "dispatch", CZ, unit="沙河营市场监管所")
        .then(
            4,
            "return",
            "wushijian",
            reason="属劳动争议和工伤赔偿,不属市场监管职责,请转司法所调解。",
        )
        .then(2, "dispatch", CZ, unit="沙河营司法所")
        .then(1, "sign", "xusifa")
        .then(
            72,
            "mediate",
            "xusifa",
            outcome="success",
            agreement="司法所联合镇劳动保障服务站调解,砖厂一次性支付医疗费、误工费共计2.3万元。",
        )
        .then(24, "verify", CZ, ok=True)
        .then(48, "rate", None, satisfaction=4),
        # The whole ladder: grid, village and town fail, the county center settles it.
        c(
            "公路拓宽征地拆迁补偿纠纷",
            _g(LJA, 4),
            40,
            9,
            "梁家庵村四组因县城至沙河营公路拓宽征地,村民胡某认为房屋拆迁补偿评估价偏低,拒绝搬迁,"
            "影响工程进度。",
            category="征地拆迁纠纷",
            parties="胡某;公路拓宽项目部",
            location="梁家庵村四组公路沿线",
        )
        .then(1, "accept", CZ, color="red")
        .then(1, "dispatch", CZ, handler=GRID)
        .then(1, "sign", GRID)
        .then(24, "mediate", GRID, outcome="failure", agreement="胡某坚持按市场价补偿")
        .then(24, "mediate", GRID, outcome="failure", agreement="胡某拒绝再谈")
        .then(2, "dispatch", CZ, handler="liangshuji")
        .then(1, "sign", "liangshuji")
        .then(
            48, "mediate", "liangshuji", outcome="failure", agreement="村里解释补偿标准,胡某不接受"
        )
        .then(48, "mediate", "liangshuji", outcome="failure", agreement="双方差距仍大")
        .then(2, "dispatch", CZ, handler=CZ)
        .then(1, "sign", CZ)
        .then(
            72,
            "mediate",
            CZ,
            outcome="failure",
            agreement="镇综治中心组织征迁办、自然资源所解释补偿标准,胡某仍不接受",
        )
        .then(72, "mediate", CZ, outcome="failure", agreement="胡某要求重新评估")
        .then(4, "dispatch", "yangkezhang", handler="yangkezhang")
        .then(1, "sign", "yangkezhang")
        .then(
            120,
            "mediate",
            "yangkezhang",
            outcome="success",
            agreement="县综治中心协调县自然资源局、县司法局,重新委托第三方评估,"
            "补偿增加4.6万元,胡某签订搬迁协议。",
        )
        .then(48, "verify", "yangkezhang", ok=True)
        .then(72, "rate", None, satisfaction=2, note="拖得太久"),
        c(
            "许家庙村村道坑洼积水",
            _g(XJM, 2),
            38,
            8,
            "许家庙村二组村道有一段坑洼积水,电动车通行困难,已有老人摔倒。",
            category="公共设施损坏",
            location="许家庙村二组村道",
        )
        .then(2, "accept", CZ, color="yellow")
        .then(1, "dispatch", CZ, handler=GRID)
        .then(1, "sign", GRID)
        .then(10, "resolve", GRID, result="用碎石填平坑洼路面。")
        .then(12, "verify", CZ, ok=True)
        .then(40, "reopen", None, reason="下雨后又积水,碎石被冲走了")
        .then(
            30,
            "resolve",
            GRID,
            result="镇规划建设办用混凝土硬化修补路面30平方米,加设排水口。",
        )
        .then(20, "verify", CZ, ok=True)
        .then(24, "rate", None, satisfaction=4),
        c(
            "一组新搬来一户外地人员",
            LIANGJIAAN_GRID_1,
            36,
            17,
            "梁家庵村一组新搬来一户外地人员(3人),租住村民闲置房屋,从事废品收购。",
            by="zhaoxin",
            source="informant",
            category="外来人员流入",
        )
        .then(1, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler="wanggang")
        .then(1, "sign", "wanggang")
        .then(
            5, "resolve", "wanggang", result="已上门登记信息,告知办理居住登记,已通报沙河营派出所。"
        )
        .then(18, "verify", CZ, ok=True),
        c(
            "咨询城乡居民养老保险补缴政策",
            f"{SHAHEYING}{MALING}",
            35,
            10,
            "村民来镇便民服务大厅咨询:年满60岁前能否一次性补缴城乡居民养老保险。",
            by=None,
            source="walk_in",
            category="社保政策咨询",
            reporter_name="马大爷",
        ).then(
            1,
            "reject",
            CZ,
            reason="属政策咨询,已当场解答并告知可拨打12333,不作为事件办理。",
        ),
        c(
            "马岭村二组后山出现裂缝",
            _g(MALING, 2),
            34,
            9,
            "马岭村二组后山雨后出现长约20米的裂缝,有小规模滑塌,坡下住有2户5人。",
            category="地质灾害隐患",
            location="马岭村二组后山",
        )
        .then(1, "accept", CZ, color="red", owner=SHAHEYING)
        .then(0.5, "dispatch", CZ, unit="沙河营自然资源所")
        .then(2, "sign", "maziyuan")
        .then(
            600,
            "request_extension",
            "maziyuan",
            days=30,
            reason="已设警示牌并转移坡下2户5人;需等待县地质环境监测站勘查报告和治理方案,"
            "预计还需一个月。",
        )
        .then(6, "approve_extension", CZ),
        c(
            "湾头村小作坊违规储存液化气罐",
            _g(WANTOU, 4),
            27,
            10,
            "湾头村四组一家食品小作坊在生产间堆放液化气罐8个,紧邻灶台,存在火灾爆炸隐患。",
            category="安全隐患",
        )
        .then(1, "accept", CZ, color="orange", owner=SHAHEYING)
        .then(1, "dispatch", CZ, unit="沙河营镇综合执法平台")
        .then(1, "sign", "zhengzhifa")
        .then(
            30,
            "resolve",
            "zhengzhifa",
            result="责令清除多余气瓶,气瓶间与生产间分隔并配置灭火器;镇应急管理办复查合格。",
        )
        .then(20, "verify", CZ, ok=True)
        .then(30, "rate", None, satisfaction=5),
        c(
            "徐家营村自来水管爆裂停水",
            _g(XJY, 5),
            24,
            7,
            "徐家营村五组主供水管爆裂,全组约40户停水。",
            category="公共设施损坏",
        )
        .then(0.5, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler=GRID)
        .then(0.5, "sign", GRID)
        .then(9, "resolve", GRID, result="联系供水站抢修,当晚恢复供水;停水期间村里组织送水。")
        .then(16, "verify", CZ, ok=True)
        .then(20, "rate", None, satisfaction=5),
        c(
            "五保户土坯房墙体开裂",
            _g(SANHE, 4),
            20,
            10,
            "三合村四组五保户陈某居住的土坯房墙体开裂,雨季有倒塌风险。",
            category="危房",
            parties="陈某(五保户)",
        )
        .then(1, "accept", CZ, color="orange")
        .then(1, "dispatch", CZ, handler=GRID)
        .then(2, "sign", GRID)
        .then(
            200,
            "supervise",
            "lizhen",
            note="已超期,请三日内落实陈某临时安置,并报危房鉴定进展。",
        ),
        c(
            "反映邻县工厂夜间噪声扰民",
            NANJIE_1,
            12,
            15,
            "市民来电反映邻县某工厂夜间噪声扰民,要求处理。",
            by=None,
            source="hotline",
            reporter_name="南街社区居民刘先生",
            reporter_phone="13992607713",
        ).then(
            2,
            "reject",
            "zhougan",
            reason="事发地不在本县,已告知向当地12345热线反映。",
        ),
        c(
            "养猪场粪污直排灌溉渠",
            _g(CAOBA, 2),
            9,
            10,
            "草坝村二组一家存栏300头的养猪场将粪污直接排入灌溉渠,下游稻田发黑发臭。",
            category="养殖污染",
            parties="养猪场业主高某;下游农户",
        )
        .then(1, "accept", CZ, color="orange", owner=SHAHEYING)
        .then(1, "dispatch", CZ, handler=CZ)
        .then(0.5, "sign", CZ)
        .then(
            30,
            "call_county",
            CZ,
            unit="县生态环境分局",
            grounds="养猪场粪污直排入渠,镇里无环境执法权,需县生态环境分局监测取证、立案查处。",
        ),
        c(
            "因病致贫家庭申请临时救助",
            _g(LJA, 5),
            6,
            9,
            "梁家庵村五组朱某突发脑梗住院,医疗费已超过8万元,家中两个孩子上学,无力承担。",
            category="生活困难",
            parties="朱某一家",
        )
        .then(2, "accept", CZ, color="orange", owner=SHAHEYING)
        .then(0.5, "dispatch", CZ, handler=CZ)
        .then(0.5, "sign", CZ)
        .then(
            5,
            "call_county",
            CZ,
            unit="县民政局",
            grounds="家庭医疗支出远超镇级临时救助额度,需县民政局审批临时救助和医疗救助。",
        )
        .then(
            50,
            "respond",
            "sunminzheng",
            response="已启动急难型临时救助,先行发放5000元;医疗救助待出院结算后办理。",
        ),
        c(
            "留守儿童近两周未到校",
            LIANGJIAAN_GRID_1,
            2,
            10,
            "梁家庵村一组留守儿童王某某(13岁)近两周未到校,随年迈的奶奶生活,父母在外务工。",
            category="留守儿童关爱",
            parties="王某某及其奶奶",
        )
        .then(1, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler="wanggang")
        .then(1, "sign", "wanggang"),
        c(
            "小区楼道堆放杂物和电动车充电",
            _g(SHY_COMMUNITY, 2),
            3,
            15,
            "沙河营社区某小区3号楼楼道堆放纸箱杂物,有住户从楼上拉线给电动车充电。",
            category="安全隐患",
        )
        .then(1, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler=GRID)
        .then(0.5, "sign", GRID)
        .then(3, "resolve", GRID, result="已劝导住户清理楼道杂物,电动车改到小区集中充电棚充电。"),
        c(
            "徐家营村与湾头村灌溉争水",
            _g(XJY, 4),
            4,
            8,
            "秋灌期间徐家营村四组与湾头村一组因渠水分配发生争执,两村村民在闸口对峙。",
            category="水事纠纷",
            parties="徐家营村四组、湾头村一组村民",
        )
        .then(1, "accept", CZ, color="orange", owner=XUJIAYING)
        .then(0.5, "dispatch", CZ, handler="xushuji")
        .then(1, "sign", "xushuji")
        .then(
            20,
            "mediate",
            "xushuji",
            outcome="success",
            agreement="两村村委会和镇水利站现场协商,约定按单双日轮灌,闸口由水利站派人值守。",
        ),
        c(
            "鸡鸭进院啄坏菜地两户争吵",
            _g(LJA, 6),
            3,
            9,
            "梁家庵村六组高某家散养的鸡鸭多次进入邻居菜地,两家争吵升级,互相辱骂。",
            category="邻里纠纷",
            parties="高某、邻居何某",
        )
        .then(1, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler=GRID)
        .then(0.5, "sign", GRID)
        .then(5, "mediate", GRID, outcome="failure", agreement="高某不承认是自家鸡鸭")
        .then(20, "mediate", GRID, outcome="failure", agreement="何某要求赔偿,双方谈崩"),
        c(
            "低保评定结果有异议",
            _g(XJY, 2),
            2,
            16,
            "徐家营村二组村民宋某认为自家条件比已评上低保的邻居更差,对评定结果有异议。",
            category="低保救助",
            parties="宋某",
        ).then(2, "accept", CZ, color="orange", owner=SHAHEYING),
        c(
            "村民随意丢弃病死猪",
            _g(SHUANGMIAO, 5),
            1,
            11,
            "双庙村五组路边沟渠内发现两头病死猪,气味很大。",
            category="病死畜禽",
        )
        .then(1, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler=GRID),
        c(
            "湾头村桥头护栏被车辆撞坏",
            _g(WANTOU, 3),
            1,
            17,
            "湾头村三组桥头护栏被货车撞坏约6米,桥下是河道,夜间存在安全隐患。",
            category="公共设施损坏",
        ),
        c(
            "夜市烧烤油烟扰民",
            _g(SHY_COMMUNITY, 4),
            1,
            21,
            "居民来电:沙河营街道夜市烧烤摊油烟和噪音很大,晚上十二点还不收摊。",
            by=None,
            source="hotline",
            reporter_name="黄先生",
            reporter_phone="15891632207",
        ),
        c(
            "村口有人聚集赌博",
            LIANGJIAAN_GRID_1,
            1,
            20,
            "梁家庵村一组村口小卖部后屋连续几晚有十余人聚集打牌,疑似赌博。",
            by="zhaoxin",
            source="informant",
        ),
        # 博望街道: the county seat's street office.
        c(
            "物业停止保洁小区垃圾堆积",
            DONGGUAN_1,
            30,
            10,
            "东关小区物业公司上调停车费,部分业主拒交物业费,物业随即停止保洁,小区垃圾堆积一周。",
            by=None,
            source="hotline",
            category="物业纠纷",
            parties="东关小区业主;某物业公司",
            reporter_name="杜女士",
            reporter_phone="13619163358",
        )
        .then(2, "accept", "zhougan", color="orange", owner=BOWANG)
        .then(1, "dispatch", "zhougan", unit="县住房和城乡建设局")
        .then(
            240, "supervise", "zhougan", note="县住建局尚未签收,请物业股尽快签收并约谈物业公司。"
        ),
        c(
            "农贸市场门口摊贩占道经营",
            DONGGUAN_MARKET,
            25,
            9,
            "东关农贸市场门口摊贩占道经营,早高峰堵塞交通。",
            by="zhougan",
            category="占道经营",
            location="东关农贸市场东门",
        )
        .then(0.5, "accept", "zhougan", color="yellow", owner=BOWANG)
        .then(0.5, "dispatch", "zhougan", handler="zhougan")
        .then(0.5, "sign", "zhougan")
        .then(6, "resolve", "zhougan", result="联合综合执法平台劝导摊贩入市经营,划定临时摊区。")
        .then(20, "verify", "zhougan", ok=True)
        .then(30, "rate", None, satisfaction=1, note="第二天又摆出来了"),
        c(
            "果业公司拖欠村民采摘工资",
            XIYUANGONG_1,
            5,
            9,
            "西原公村8名村民在某果业公司务工,被拖欠采摘工资共2.4万元。",
            by=None,
            source="hotline",
            category="劳动争议和欠薪",
            parties="高某等8名村民;某果业公司",
            reporter_name="高某",
            reporter_phone="18291604476",
        )
        .then(3, "accept", "zhougan", color="orange", owner=BOWANG)
        .then(0.5, "dispatch", "zhougan", handler="zhougan")
        .then(0.5, "sign", "zhougan")
        .then(
            24,
            "call_county",
            "zhougan",
            unit="县人力资源和社会保障局",
            grounds="公司注册地在外县,街道多次协调无果,需县劳动保障监察大队介入。",
        ),
        # 牟定县 (seed 002): micro-grids of 5–10 households, the ladder from the micro-grid up.
        c(
            "腊湾村两户林地边界纠纷",
            LAWAN_MICRO_1,
            30,
            10,
            "腊湾村一组两户因祖辈分得的林地边界不清,砍伐时发生争执,一方砍了对方的松树。",
            by="mdworker",
            category="土地承包纠纷",
            parties="普某、李某",
        )
        .then(2, "accept", "mdzhen", color="orange")
        .then(1, "dispatch", "mdzhen", handler="mdworker")
        .then(1, "sign", "mdworker")
        .then(24, "mediate", "mdworker", outcome="failure", agreement="双方都说有老辈人作证")
        .then(48, "mediate", "mdworker", outcome="failure", agreement="未达成一致")
        .then(2, "dispatch", "mdzhen", handler="mdzhidao")
        .then(1, "sign", "mdzhidao")
        .then(
            48,
            "mediate",
            "mdzhidao",
            outcome="failure",
            agreement="网格指导员和网格员共同调解,未果",
        )
        .then(48, "mediate", "mdzhidao", outcome="failure", agreement="李某要求按林权证重新勘界")
        .then(2, "dispatch", "mdzhen", handler="mdshuji")
        .then(1, "sign", "mdshuji")
        .then(48, "mediate", "mdshuji", outcome="failure", agreement="村民小组老党员参与调解,未果")
        .then(48, "mediate", "mdshuji", outcome="failure", agreement="双方对林权证四至理解不同")
        .then(2, "dispatch", "mdzhen", handler="mdzhen")
        .then(1, "sign", "mdzhen")
        .then(72, "mediate", "mdzhen", outcome="failure", agreement="镇综治中心调解,双方仍有分歧")
        .then(72, "mediate", "mdzhen", outcome="failure", agreement="需县林草部门勘界")
        .then(3, "dispatch", "mdxian", handler="mdxian")
        .then(1, "sign", "mdxian")
        .then(
            48,
            "mediate",
            "mdxian",
            outcome="failure",
            agreement="县综治中心组织林草、司法部门调解,等待林地勘界结果",
        ),
        c(
            "牛吃了邻居庄稼两户争吵",
            LAWAN_MICRO_1,
            20,
            16,
            "腊湾村一组李某家的牛跑进普某的玉米地,吃坏约半亩玉米,两户争吵。",
            by="mdworker",
            category="邻里纠纷",
            parties="李某、普某",
        )
        .then(1, "accept", "mdzhen", color="yellow")
        .then(0.5, "dispatch", "mdzhen", handler="mdworker")
        .then(0.5, "sign", "mdworker")
        .then(
            3,
            "mediate",
            "mdworker",
            outcome="success",
            agreement="李某按市价赔偿玉米损失200元,今后牛圈加固。",
        )
        .then(18, "verify", "mdzhen", ok=True)
        .then(24, "rate", None, satisfaction=5),
        c(
            "退婚后彩礼返还纠纷",
            LAWAN_MICRO_1,
            15,
            9,
            "腊湾村一组罗某与邻村女方订婚后退婚,男方要求返还彩礼6万元,女方只愿退一半。",
            by="mdworker",
            category="婚姻家庭纠纷",
            parties="罗某一家、女方一家",
        )
        .then(2, "accept", "mdzhen", color="orange")
        .then(1, "dispatch", "mdzhen", handler="mdworker")
        .then(1, "sign", "mdworker")
        .then(24, "mediate", "mdworker", outcome="failure", agreement="女方家长不愿多退")
        .then(30, "mediate", "mdworker", outcome="failure", agreement="双方僵持")
        .then(2, "dispatch", "mdzhen", handler="mdzhidao")
        .then(1, "sign", "mdzhidao")
        .then(
            24,
            "mediate",
            "mdzhidao",
            outcome="success",
            agreement="网格指导员和网格员讲解民法典彩礼返还规定,女方返还彩礼4万元,双方签订调解协议。",
        )
        .then(20, "verify", "mdzhen", ok=True),
    ]


class _Missing(Exception):
    """A person, place or unit the demo cases need is not there."""


class _Replay:
    """Runs the demo cases' steps through cases.actions, all cases together in time order, so
    that what one case's step sees of another (a merge) is what stood at that moment."""

    def __init__(self, scripts: list[DemoCase], today_start: dt.datetime):
        self.scripts = scripts
        self.today_start = today_start
        self.cases: dict[str, Case] = {}
        self.current = ""  # the title of the case being replayed, for a refusal's message
        self.calls: dict[str, CountyCall] = {}
        self._users: dict[str, object] = {}
        self._nodes: dict[str, GridNode] = {}
        self._workers: dict[int, object] = {}
        self._categories = {c.name: c for c in Category.objects.all()}

    def user(self, username: str):
        if username not in self._users:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                raise _Missing(f"no active user {username}")
            self._users[username] = user
        return self._users[username]

    def node(self, code: str) -> GridNode:
        if code not in self._nodes:
            node = GridNode.objects.filter(code=code).first()
            if node is None:
                raise _Missing(f"no place with code {code}")
            self._nodes[code] = node
        return self._nodes[code]

    def actor(self, who: str | None, script: DemoCase):
        if who is None:
            return None
        if who != GRID:
            return self.user(who)
        node = self.node(script.place)
        if node.pk not in self._workers:
            grant = (
                Assignment.objects.active()
                .filter(node=node, role=Role.GRID_WORKER, user__is_active=True)
                .select_related("user")
                .order_by("pk")
                .first()
            )
            if grant is None:
                raise _Missing(f"no grid worker in {node.name}")
            self._workers[node.pk] = self.user(grant.user.username)
        return self._workers[node.pk]

    def unit(self, name: str, case: Case) -> Department:
        unit = Department.objects.filter(name=name, node__tree_id=case.node.tree_id).first()
        if unit is None:
            raise _Missing(f"no unit {name}")
        return unit

    def timeline(self) -> list[tuple[dt.datetime, int, int, DemoCase]]:
        """Every step of every case at its moment; step -1 is the report."""
        moments = []
        for n, script in enumerate(self.scripts):
            at = self.today_start - dt.timedelta(days=script.days_ago, hours=-script.hour)
            moments.append((at, n, -1, script))
            for s, (after, *_rest) in enumerate(script.steps):
                at += dt.timedelta(hours=after)
                moments.append((at, n, s, script))
            if at >= self.today_start:
                raise ValueError(f"demo case {script.title!r} runs into today")
        return sorted(moments, key=lambda m: m[:3])

    def run(self) -> None:
        for now, _n, step, script in self.timeline():
            self.current = script.title
            if step < 0:
                self.report(script, now)
            else:
                _after, verb, who, kw = script.steps[step]
                self.perform(script, verb, self.actor(who, script), dict(kw), now)

    def report(self, script: DemoCase, now: dt.datetime) -> None:
        category = self._categories.get(script.category) if script.category else None
        self.cases[script.title] = actions.case_report(
            actor=self.actor(script.by, script),
            node_id=self.node(script.place).pk,
            title=script.title,
            description=script.description,
            source=script.source,
            category_id=category.pk if category else None,
            reporter_name=script.reporter_name,
            reporter_phone=script.reporter_phone,
            parties=script.parties,
            location=script.location,
            now=now,
        )

    def perform(self, script: DemoCase, verb: str, actor, kw: dict, now: dt.datetime) -> None:
        case = self.cases[script.title]
        common = {"actor": actor, "case_id": case.pk, "now": now}
        if verb == "accept":
            owner = kw.pop("owner", None)
            if owner is not None:
                kw["owner_node_id"] = self.node(owner).pk
            actions.case_accept(**common, **kw)
        elif verb == "dispatch":
            if "handler" in kw:
                kw["handler_id"] = self.actor(kw.pop("handler"), script).pk
            if "unit" in kw:
                kw["department_id"] = self.unit(kw.pop("unit"), case).pk
            actions.case_dispatch(**common, **kw)
        elif verb == "merge":
            actions.case_merge(**common, into_id=self.cases[kw.pop("into")].pk, **kw)
        elif verb == "request_extension":
            case.refresh_from_db(fields=["clear_by"])
            until = case.clear_by + dt.timedelta(days=kw.pop("days"))
            actions.case_request_extension(**common, until=until, **kw)
        elif verb == "call_county":
            department = self.unit(kw.pop("unit"), case)
            self.calls[script.title] = actions.case_call_county(
                **common, department_id=department.pk, **kw
            )
        elif verb in ("respond", "rate_call", "rate_necessity"):
            call = self.calls[script.title]
            action = {
                "respond": actions.county_call_respond,
                "rate_call": actions.county_call_rate,
                "rate_necessity": actions.county_call_rate_necessity,
            }[verb]
            action(actor=actor, call_id=call.pk, now=now, **kw)
        else:
            action = {
                "reject": actions.case_reject,
                "sign": actions.case_sign,
                "return": actions.case_return,
                "approve_extension": actions.case_approve_extension,
                "supervise": actions.case_supervise,
                "mediate": actions.case_mediate,
                "escalate": actions.case_escalate,
                "resolve": actions.case_resolve,
                "verify": actions.case_verify,
                "reopen": actions.case_reopen,
                "rate": actions.case_rate,
            }[verb]
            action(**common, **kw)


def _load_cases(say) -> dict:
    """Replay the demo cases, unless any of them is already there.

    Idempotency rule: demo cases are added all together or not at all. If any case carries the
    title of a demo case, the demo cases were loaded before (or someone is using those titles)
    and none is added. A case cannot be "updated" into its demo state without rewriting its
    history, so there is no partial top-up."""
    scripts = demo_cases()
    counts = {"cases": 0, "events": 0, "mediations": 0, "county_calls": 0}
    if Case.objects.filter(title__in=[s.title for s in scripts]).exists():
        say("demo cases: already there, none added")
        return counts
    before = (CaseEvent.objects.count(), Mediation.objects.count(), CountyCall.objects.count())
    today_start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    replay = _Replay(scripts, today_start)
    try:
        with transaction.atomic():
            replay.run()
    except (_Missing, CaseError, PermissionDenied, Http404, ValidationError) as error:
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        say(f"demo cases: not loaded, “{replay.current}”: {message}")
        return counts
    # The replayed history queued its notices as it went; they are weeks old and were never
    # news, so they are marked as delivered rather than sent to the demo people now.
    case_ids = [case.pk for case in replay.cases.values()]
    OutboxMessage.objects.filter(case_id__in=case_ids, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    counts.update(
        cases=len(case_ids),
        events=CaseEvent.objects.count() - before[0],
        mediations=Mediation.objects.count() - before[1],
        county_calls=CountyCall.objects.count() - before[2],
    )
    say(
        f"demo cases: {counts['cases']} cases with {counts['events']} events, "
        f"{counts['mediations']} mediations and {counts['county_calls']} county calls added"
    )
    return counts


LIVE_TITLE = "梁家庵村村道塌方，需设警示"


def _load_live_case(say) -> bool:
    """One yellow case accepted 23 h 50 min before the demo first starts: its 日清 deadline passes
    ten minutes in, so a person watching `make demo` sees beat flag and supervise it (and a day
    later escalate it) with nobody touching it."""
    if Case.objects.filter(title=LIVE_TITLE).exists():
        return False
    grid = GridNode.objects.filter(code=LIANGJIAAN_GRID_1).first()
    staff = get_user_model().objects.filter(username=CZ).first()
    if grid is None or staff is None:
        return False
    start = timezone.now() - dt.timedelta(hours=23, minutes=50)
    case = actions.case_report(
        actor=None,
        node_id=grid.pk,
        title=LIVE_TITLE,
        source="hotline",
        reporter_name="梁大爷",
        description="村道北段雨后塌方约两米，夜间无警示，存在安全隐患。",
        now=start,
    )
    actions.case_accept(
        actor=staff, case_id=case.pk, color="yellow", now=start + dt.timedelta(minutes=1)
    )
    OutboxMessage.objects.filter(case=case, sent_at__isnull=True).update(sent_at=timezone.now())
    say(
        f"live case {case.number}: its deadline passes in about 10 minutes; watch beat supervise it"
    )
    return True


@transaction.atomic
def load(stdout=None) -> dict:
    """Units, responsibility list, categories, case staff and demo cases; needs the demo tree
    and logins of grids.demo. Returns how many of each were added (a second run: all zero) and
    the case staff's logins."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    departments = _ensure_units(say)
    items_added, items = _ensure_items(say)
    categories = _ensure_categories(items, say)
    users, assignments, logins = _ensure_staff(say)
    cases = _load_cases(say)
    if _load_live_case(say):
        cases["cases"] += 1
        cases["events"] += 2  # reported, accepted
    # Last week's, month's and quarter's reports, so the reports page is not empty on day one
    # (beat makes the next ones on schedule; regenerating replaces, so this is idempotent).
    from cases.reports import generate_due

    say(f"reports: {len(generate_due())} generated for the last completed periods")
    return {
        "departments": departments,
        "responsibility_items": items_added,
        "categories": categories,
        "users": users,
        "assignments": assignments,
        **cases,
        "logins": logins,
    }
