"""沙河营镇's demo cases reported 38 days ago to yesterday."""

from gridgov.demo.scripted.script import (
    CAOBA,
    CZ,
    GRID,
    LJA,
    MALING,
    NANJIE_1,
    SANHE,
    SHUANGMIAO,
    SHY_COMMUNITY,
    WANTOU,
    XJM,
    XJY,
    DemoCase,
    shy_grid,
)
from gridgov.demo.tree import LIANGJIAAN_GRID_1, SHAHEYING, XUJIAYING


def cases() -> list[DemoCase]:
    """沙河营镇's later demo cases, oldest first."""
    c = DemoCase
    return [
        c(
            "许家庙村村道坑洼积水",
            shy_grid(XJM, 2),
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
        .then(12, "verify_ok", CZ)
        .then(40, "reopen", None, reason="下雨后又积水,碎石被冲走了")
        .then(
            30,
            "resolve",
            GRID,
            result="镇规划建设办用混凝土硬化修补路面30平方米,加设排水口。",
        )
        .then(20, "verify_ok", CZ)
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
        .then(18, "verify_ok", CZ),
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
            shy_grid(MALING, 2),
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
            shy_grid(WANTOU, 4),
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
        .then(20, "verify_ok", CZ)
        .then(30, "rate", None, satisfaction=5),
        c(
            "徐家营村自来水管爆裂停水",
            shy_grid(XJY, 5),
            24,
            7,
            "徐家营村五组主供水管爆裂,全组约40户停水。",
            category="公共设施损坏",
        )
        .then(0.5, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler=GRID)
        .then(0.5, "sign", GRID)
        .then(9, "resolve", GRID, result="联系供水站抢修,当晚恢复供水;停水期间村里组织送水。")
        .then(16, "verify_ok", CZ)
        .then(20, "rate", None, satisfaction=5),
        c(
            "五保户土坯房墙体开裂",
            shy_grid(SANHE, 4),
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
            shy_grid(CAOBA, 2),
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
            shy_grid(LJA, 5),
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
            "county_respond",
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
            shy_grid(SHY_COMMUNITY, 2),
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
            shy_grid(XJY, 4),
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
            shy_grid(LJA, 6),
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
            shy_grid(XJY, 2),
            2,
            16,
            "徐家营村二组村民宋某认为自家条件比已评上低保的邻居更差,对评定结果有异议。",
            category="低保救助",
            parties="宋某",
        ).then(2, "accept", CZ, color="orange", owner=SHAHEYING),
        c(
            "村民随意丢弃病死猪",
            shy_grid(SHUANGMIAO, 5),
            1,
            11,
            "双庙村五组路边沟渠内发现两头病死猪,气味很大。",
            category="病死畜禽",
        )
        .then(1, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler=GRID),
        c(
            "湾头村桥头护栏被车辆撞坏",
            shy_grid(WANTOU, 3),
            1,
            17,
            "湾头村三组桥头护栏被货车撞坏约6米,桥下是河道,夜间存在安全隐患。",
            category="公共设施损坏",
        ),
        c(
            "夜市烧烤油烟扰民",
            shy_grid(SHY_COMMUNITY, 4),
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
        # Dispatched to 王刚 and not yet signed: his phone's list puts it first, with a sign button.
        c(
            "二组灌溉水渠漏水淹了麦田",
            LIANGJIAAN_GRID_1,
            1,
            9,
            "梁家庵村二组灌溉水渠一处水泥板断裂漏水,下游两户麦田被淹。",
            by="zhaoxin",
            source="informant",
            category="公共设施损坏",
        )
        .then(1, "accept", CZ, color="yellow")
        .then(0.5, "dispatch", CZ, handler="wanggang"),
    ]
