"""博望街道's demo cases: the county seat's street office, its community and market grids."""

from gridgov.demo.scripted.script import DONGGUAN_1, DONGGUAN_MARKET, XIYUANGONG_1, DemoCase
from gridgov.demo.tree import BOWANG


def cases() -> list[DemoCase]:
    """博望街道's demo cases, oldest first."""
    c = DemoCase
    return [
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
        .then(20, "verify_ok", "zhougan")
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
    ]
