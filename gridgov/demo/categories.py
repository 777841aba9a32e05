"""The demo's case categories (三必到, 四必报, disputes, and others the grids meet every week),
each pointing at the responsibility item that says who answers for it. A category is matched by
its name."""

from cases.models import Category, ResponsibilityItem

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

P = Category.PublicGroup
# What residents may choose on their report form, in their own words and groups: the matters a
# passer-by sees or suffers. Disputes between named people, hardship cases and matters of
# public order are for the grid worker's visit, not a form on the street.
PUBLIC = {
    "火灾险情": ("着火了、有火灾隐患", P.SAFETY),
    "安全隐患": ("安全隐患（电线、危墙、井盖等）", P.SAFETY),
    "地质灾害隐患": ("山体滑坡、塌陷、裂缝", P.SAFETY),
    "危房": ("房屋有倒塌危险", P.SAFETY),
    "公共设施损坏": ("路灯、道路、健身器材等坏了", P.ROADS),
    "占道经营": ("占道摆摊、堵路", P.ROADS),
    "违法建设": ("乱搭乱建", P.ROADS),
    "占用耕地建房": ("占用耕地建房", P.ROADS),
    "河道垃圾": ("河道、沟渠有垃圾", P.ENVIRONMENT),
    "焚烧秸秆": ("焚烧秸秆、垃圾", P.ENVIRONMENT),
    "环境污染": ("排污、异味、噪音", P.ENVIRONMENT),
    "养殖污染": ("养殖场污染", P.ENVIRONMENT),
    "病死畜禽": ("病死畜禽乱丢", P.ENVIRONMENT),
    "邻里纠纷": ("邻里矛盾", P.NEIGHBOURS),
    "物业纠纷": ("物业问题", P.NEIGHBOURS),
    "消费纠纷": ("买东西、消费上当", P.NEIGHBOURS),
    "食品安全": ("食品安全问题", P.NEIGHBOURS),
    "独居老人无人照料": ("独居老人无人照料", P.HELP),
    "留守儿童关爱": ("留守儿童需要帮助", P.HELP),
    "社保政策咨询": ("社保、养老政策咨询", P.HELP),
}


def ensure_categories(items: dict[str, ResponsibilityItem], say) -> int:
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
        public_name, public_group = PUBLIC.get(name, ("", P.OTHER))
        Category.objects.filter(pk=_category.pk).update(
            public=name in PUBLIC, public_name=public_name, public_group=public_group
        )
    say(f"categories: {added} added")
    return added
