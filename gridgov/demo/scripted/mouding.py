"""牟定县's demo cases (seed 002): micro-grids of 5–10 households, the ladder from the
micro-grid up."""

from gridgov.demo.scripted.script import DemoCase
from gridgov.demo.tree import LAWAN_MICRO_1


def cases() -> list[DemoCase]:
    """牟定县's demo cases, oldest first."""
    c = DemoCase
    return [
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
        .then(18, "verify_ok", "mdzhen")
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
        .then(20, "verify_ok", "mdzhen"),
    ]
