"""沙河营镇's demo cases reported 68 to 40 days ago."""

from gridgov.demo.scripted.script import (
    CZ,
    GRID,
    LJA,
    MALING,
    SANHE,
    SHUANGMIAO,
    SHY_COMMUNITY,
    WANTOU,
    WULANG,
    XJY,
    DemoCase,
    shy_grid,
)
from gridgov.demo.tree import LIANGJIAAN_GRID_1, SHAHEYING, XUJIAYING


def cases() -> list[DemoCase]:
    """沙河营镇's earlier demo cases, oldest first."""
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
        .then(20, "verify_ok", CZ, note="回访双方,情绪稳定")
        .then(30, "rate", None, satisfaction=5, note="处理及时"),
        c(
            "邻居因排水沟走向起争执",
            shy_grid(LJA, 2),
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
        .then(18, "verify_ok", CZ)
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
        .then(24, "verify_ok", "lizhen")
        .then(72, "rate", None, satisfaction=3, note="结果还算公道"),
        # 乡呼县应 (seed 004): beyond the town's power, the county department is called.
        c(
            "徐家营村12名村民被拖欠务工工资",
            shy_grid(XJY, 1),
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
            "county_respond",
            "guolaobao",
            response="已立案调查,约谈施工总承包单位,责令10日内从农民工工资专用账户足额支付。",
        )
        .then(6, "county_rate", CZ, rating=5, note="响应及时")
        .then(2, "county_rate_necessity", "guolaobao", rating=5, note="确需县级处理")
        .then(
            150, "resolve", CZ, result="施工总承包单位已代付拖欠工资18.6万元,12名村民全部领到工资。"
        )
        .then(20, "verify_ok", CZ)
        .then(24, "rate", None, satisfaction=5),
        c(
            "湾头村河道堆积生活垃圾",
            shy_grid(WANTOU, 2),
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
        .then(20, "verify_fail", CZ, note="现场回看,北岸仍有建筑垃圾未清")
        .then(
            24,
            "resolve",
            GRID,
            result="联系挖掘机清运北岸建筑垃圾,设立“禁止倾倒”警示牌,纳入村级河长巡河台账。",
        )
        .then(10, "verify_ok", CZ),
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
            "county_respond",
            "sunminzheng",
            response="已受理特困人员供养申请,安排县社会福利中心评估,评估期间可先入住镇敬老院。",
        )
        .then(5, "county_rate", CZ, rating=4)
        .then(
            50,
            "resolve",
            CZ,
            result="老人已入住沙河营镇敬老院,特困供养审核通过;村里安排志愿者每周探望。",
        )
        .then(24, "verify_ok", CZ)
        .then(48, "rate", None, satisfaction=5, note="感谢政府"),
        # 两呼两不呼: the outpost in town tries first, then the county is called.
        c(
            "马岭村村民占用基本农田建房",
            shy_grid(MALING, 1),
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
            "county_respond",
            "liuguotu",
            response="执法监察大队已立案,下达《责令停止违法行为通知书》,会同镇政府限期拆除。",
        )
        .then(4, "county_rate", CZ, rating=4)
        .then(10, "county_rate_necessity", "liuguotu", rating=5)
        .then(
            500,
            "resolve",
            "maziyuan",
            result="违法建筑已拆除,土地已复耕;马某另按程序申请宅基地。",
        )
        .then(24, "verify_ok", CZ),
        c(
            "双庙村村民田间焚烧秸秆",
            shy_grid(SHUANGMIAO, 3),
            55,
            16,
            "双庙村三组有村民在田间焚烧玉米秸秆,浓烟较大,火点距高压线不足50米。",
            category="焚烧秸秆",
        )
        .then(0.3, "accept", CZ, color="yellow")
        .then(0.1, "dispatch", CZ, handler=GRID)
        .then(0.2, "sign", GRID)
        .then(1.5, "resolve", GRID, result="已扑灭明火,讲解禁烧政策,联系农机合作社粉碎还田。")
        .then(15, "verify_ok", CZ)
        .then(30, "rate", None, satisfaction=4),
        c(
            "新街路灯损坏夜间无照明",
            shy_grid(SHY_COMMUNITY, 3),
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
        .then(20, "verify_ok", CZ)
        .then(30, "rate", None, satisfaction=3, note="修得有点慢"),
        c(
            "新街一段路灯晚上不亮",
            shy_grid(SHY_COMMUNITY, 3),
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
            shy_grid(WULANG, 4),
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
        .then(24, "verify_ok", CZ),
        c(
            "五郎村河边夜里有挖掘机挖沙",
            shy_grid(WULANG, 4),
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
            shy_grid(LJA, 3),
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
        .then(24, "verify_ok", CZ)
        .then(48, "rate", None, satisfaction=4),
        c(
            "徐家营村两户承包地地界不清起争执",
            shy_grid(XJY, 3),
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
        .then(24, "verify_ok", CZ),
        c(
            "凉皮店后厨卫生差居民食用后腹泻",
            shy_grid(SHY_COMMUNITY, 1),
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
        .then(20, "verify_ok", CZ)
        .then(40, "rate", None, satisfaction=5),
        # 退办: the unit it was first given to says it is not theirs.
        c(
            "砖厂工人受伤厂方拒付医疗费",
            shy_grid(SANHE, 1),
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
        .then(24, "verify_ok", CZ)
        .then(48, "rate", None, satisfaction=4),
        # The whole ladder: grid, village and town fail, the county center settles it.
        c(
            "公路拓宽征地拆迁补偿纠纷",
            shy_grid(LJA, 4),
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
        .then(48, "verify_ok", "yangkezhang")
        .then(72, "rate", None, satisfaction=2, note="拖得太久"),
    ]
