"""The permission table: which roles may take each action, and the role groups it is written in."""

from __future__ import annotations

from staff.models import Role

R = Role


ALL_ROLES = frozenset(Role.values)


# Province staff hold no Assignment: a province post grants this role on each of the
# province's counties (staff.access.grants). It reads figures only, never cases or people,
# and so is not in ALL_ROLES.
PROVINCE = "province"


FIELD_ROLES = frozenset(
    {
        R.GRID_WORKER,
        R.INFORMANT,
        R.STREET_CHIEF,
        R.PARTY_HOUSEHOLD,
        R.VOLUNTEER,
        R.GRID_CHIEF,
        R.INSTRUCTOR,
    }
)


DESK_ROLES = frozenset(
    {R.CENTER_STAFF, R.LEADER, R.SUPERVISOR, R.COMMANDER, R.OUTPOST, R.DEPARTMENT}
)


# A county department's or a town outpost's post covers the whole county or town, yet they
# work only the cases given to their unit (or to one of them): on any other case their post
# lets them read, nothing more (policy.can).
UNIT_ROLES = frozenset({R.DEPARTMENT, R.OUTPOST})


# Who works cases: hands them out, and handles them.
DISPATCHERS = frozenset({R.CENTER_STAFF, R.LEADER, R.COMMANDER})


HANDLERS = frozenset(
    {
        R.GRID_WORKER,
        R.INSTRUCTOR,
        R.GRID_CHIEF,
        R.COMMANDER,
        R.CENTER_STAFF,
        R.LEADER,
        R.OUTPOST,
        R.DEPARTMENT,
    }
)


TOWN_CALLERS = frozenset({R.CENTER_STAFF, R.LEADER})


VILLAGE_CALLERS = frozenset({R.COMMANDER, R.GRID_CHIEF})


# 便民服务: who sits at a window (一窗受理) — the town hall's centre staff and leaders, a
# village's service room's grid chief and commander — and who carries an errand (代办).
WINDOW = frozenset({R.CENTER_STAFF, R.LEADER, R.COMMANDER, R.GRID_CHIEF})


ERRAND_RUNNERS = frozenset({R.GRID_WORKER, R.GRID_CHIEF, R.INSTRUCTOR})


# action -> roles that may take it. An action not listed here is refused to everyone.
_PERMISSIONS: dict[str, frozenset[str]] = {
    "node.view": ALL_ROLES | {PROVINCE},
    "node.create": frozenset({R.ADMIN}),
    "node.change": frozenset({R.ADMIN}),
    "node.move": frozenset({R.ADMIN}),
    "node.delete": frozenset({R.ADMIN}),
    "assignment.view": frozenset({R.ADMIN, R.CENTER_STAFF, R.LEADER, R.GRID_CHIEF}),
    "assignment.change": frozenset({R.ADMIN}),
    "user.change": frozenset({R.ADMIN}),
    # Cases: seeing one follows where it happened, acting on one the level that holds it.
    "case.view": ALL_ROLES,
    "case.report": (FIELD_ROLES | DESK_ROLES) - {R.VOLUNTEER},
    "case.accept": DISPATCHERS,
    "case.recategorize": DISPATCHERS,  # 研判 is the dispatchers' work, then as now
    "case.reject": DISPATCHERS,
    "case.merge": DISPATCHERS,
    "case.dispatch": DISPATCHERS,
    "case.sign": HANDLERS,
    "case.return": HANDLERS,
    "case.request_extension": HANDLERS,
    "case.approve_extension": DISPATCHERS,
    "case.supervise": DISPATCHERS | {R.SUPERVISOR},
    "case.mediate": HANDLERS,
    "case.progress": HANDLERS | DISPATCHERS,
    "case.escalate": HANDLERS,
    "case.resolve": HANDLERS,
    "case.verify": DISPATCHERS,
    "case.reopen": DISPATCHERS,
    "case.rate": DISPATCHERS,
    "case.call_county": TOWN_CALLERS,
    "countycall.respond": frozenset({R.DEPARTMENT}),  # the call names a county department
    "countycall.rate_necessity": frozenset({R.DEPARTMENT}),
    "countycall.rate": TOWN_CALLERS,
    # 社区吹哨、部门报到: a village's dispatchers call a department linked to the village (the
    # action checks the link); that department, or outpost, answers and rates the call.
    "case.call_department": VILLAGE_CALLERS,
    "villagecall.rate": VILLAGE_CALLERS,
    "villagecall.respond": frozenset({R.DEPARTMENT, R.OUTPOST}),
    "villagecall.rate_necessity": frozenset({R.DEPARTMENT, R.OUTPOST}),
    "report.view": DESK_ROLES | {R.ADMIN, R.GRID_CHIEF},
    # The dashboard's figures; province staff read them for each county of their province.
    "dashboard.view": DESK_ROLES | {R.ADMIN, R.GRID_CHIEF, PROVINCE},
    # The province summary, from the rollup tables (cases.rollups).
    "province.view": frozenset({PROVINCE}),
    # The reporter's phone is masked everywhere; those who work the case and may call the
    # reporter back reveal it, one logged reveal at a time (PIPL, like the ledger).
    "case.reveal_reporter": DISPATCHERS | HANDLERS,
    # --- Household ledger on the phone and the desk (the ledger, PIPL, the Excel import) ---
    # Seeing a ledger follows the grid; the people who keep it (the grid's worker, the village
    # grid chief, town centre staff, admins) may change it. Full ID numbers and phones are
    # need-to-know (PIPL): only the grid worker and the grid chief, who visit and call the
    # household, may reveal them, one logged reveal at a time. Informants, volunteers, street
    # chiefs and desk staff see them masked. Special-group tags (low income, disabled, …) are
    # for those who care for the household and keep the ledger.
    "household.view": frozenset(
        {R.GRID_WORKER, R.GRID_CHIEF, R.INSTRUCTOR, R.STREET_CHIEF, R.INFORMANT}
    )
    | TOWN_CALLERS
    | {R.ADMIN},
    "household.change": frozenset({R.GRID_WORKER, R.GRID_CHIEF, R.CENTER_STAFF, R.ADMIN}),
    "resident.reveal": frozenset({R.GRID_WORKER, R.GRID_CHIEF}),
    "resident.tags": frozenset({R.GRID_WORKER, R.GRID_CHIEF, R.CENTER_STAFF, R.ADMIN}),
    # --- end of the household ledger block ---
    # Patrols and household visits (巡查, 走访): the grid's worker
    # walks it and visits its households; the village's grid chief may stand in. Seeing them
    # (dashboard figures) follows "report.view".
    "patrol.record": frozenset({R.GRID_WORKER, R.GRID_CHIEF}),
    "visit.record": frozenset({R.GRID_WORKER, R.GRID_CHIEF}),
    # --- Services (便民服务): the catalog, one-window requests, holiday duty bookings ---
    # The catalog is public; the admins keep it. A request is seen where the resident lives
    # (like a case); the window takes it in and hands it to the back office, which decides
    # (services.workflow also asks that they work for the owning unit); the window or the
    # errand-runner delivers the result. The town publishes duty slots and sees the bookings.
    "serviceitem.view": ALL_ROLES,
    "serviceitem.change": frozenset({R.ADMIN}),
    "servicerequest.view": WINDOW
    | ERRAND_RUNNERS
    | {R.SUPERVISOR, R.OUTPOST, R.DEPARTMENT, R.ADMIN},
    "servicerequest.receive": WINDOW,
    "servicerequest.errand": ERRAND_RUNNERS,
    "servicerequest.accept": WINDOW,
    "servicerequest.decide": WINDOW | {R.OUTPOST, R.DEPARTMENT},
    "servicerequest.deliver": WINDOW | ERRAND_RUNNERS,
    # The resident's phone, masked on every page, shown in full to the window and to the
    # request's own errand-runner (services.actions.resident_phone_reveal asks that), logged.
    "servicerequest.reveal": WINDOW | ERRAND_RUNNERS,
    "dutyslot.change": frozenset({R.ADMIN, R.CENTER_STAFF, R.LEADER}),
    "dutybooking.view": WINDOW | {R.ADMIN},
    # Volunteers (群众点单、社区派单、志愿者接单): teams and activities are kept by the town's
    # and village's desk; a resident's order is placed by them online or through whoever serves
    # them (a grid worker), dispatched by the village's or town's dispatchers, taken and done by
    # a volunteer of the team it went to (services.orders also asks that), confirmed and rated.
    "volunteer.view": ALL_ROLES,
    "volunteer.change": frozenset({R.ADMIN, R.CENTER_STAFF, R.LEADER, R.COMMANDER, R.GRID_CHIEF}),
    "helporder.place": (FIELD_ROLES - {R.VOLUNTEER}) | DISPATCHERS,
    "helporder.dispatch": frozenset({R.CENTER_STAFF, R.LEADER, R.COMMANDER, R.GRID_CHIEF}),
    "helporder.take": frozenset({R.VOLUNTEER}),
    # Likewise the phone of a help order's resident: its dispatchers and the volunteer it went
    # to or who took it.
    "helporder.reveal": frozenset({R.CENTER_STAFF, R.LEADER, R.COMMANDER, R.GRID_CHIEF})
    | {R.VOLUNTEER},
    "helporder.confirm": (FIELD_ROLES - {R.VOLUNTEER}) | DISPATCHERS,
    "activity.join": frozenset({R.VOLUNTEER}),
    # --- end of the services block ---
    # --- People and points: the monthly appraisal and pay, points, the points shop ---
    # A sheet is a village's; its lines are seen where each worker works. The village (its
    # commander) and the town score the manual items; the town (centre staff, leaders: posts
    # held only at a town or the county) recomputes, signs, publishes and answers objections,
    # and hands the pay sheet to the finance office. A worker objects to their own line only
    # (staff.actions checks the person). The county's administrators keep the rules.
    "appraisal.view": TOWN_CALLERS | {R.COMMANDER, R.SUPERVISOR, R.GRID_CHIEF, R.ADMIN},
    "appraisal.score": TOWN_CALLERS | {R.COMMANDER},
    "appraisal.review": TOWN_CALLERS,
    "appraisal.object": frozenset({R.GRID_WORKER}),
    "appraisal.pay": TOWN_CALLERS | {R.ADMIN},
    "appraisalrule.change": frozenset({R.ADMIN}),
    # Points are the village's: its grid chief and commander (and the town) compute, award
    # and publish them, open residents' cards and keep the shop's shelf and counter.
    "points.view": TOWN_CALLERS | {R.COMMANDER, R.SUPERVISOR, R.GRID_CHIEF, R.ADMIN},
    "points.award": TOWN_CALLERS | {R.COMMANDER, R.GRID_CHIEF},
    "shop.stock": TOWN_CALLERS | {R.COMMANDER, R.GRID_CHIEF},
    "shop.redeem": TOWN_CALLERS | {R.COMMANDER, R.GRID_CHIEF},
    "pointsrule.change": frozenset({R.ADMIN}),
    # Training (分级培训): a level's desk (the town's centre staff and leaders, a village's
    # commander; the county's for its instructors) holds sessions, marks attendance by hand and
    # records certificates; the people in the field sign in to a session held at or above
    # their post. A level's administrators keep its training plans.
    "training.view": TOWN_CALLERS | {R.COMMANDER, R.SUPERVISOR, R.GRID_CHIEF, R.ADMIN},
    "training.manage": TOWN_CALLERS | {R.COMMANDER},
    "training.attend": FIELD_ROLES,
    "trainingplan.change": frozenset({R.ADMIN}),
    # The yearly two-way evaluation (双向评价): instructors evaluate their grid workers, grid
    # workers and the village (its grid chief, its commander) their instructor (staff.actions
    # checks the pairing). A worker's result is the village's, to see and decide on; an
    # instructor's is seen by the town, which forwards it, and decided by the county's
    # organization department (posts held at the county itself: see _COUNTY_WIDE).
    "evaluation.give": frozenset({R.INSTRUCTOR, R.GRID_WORKER, R.GRID_CHIEF, R.COMMANDER}),
    "evaluation.view_worker": TOWN_CALLERS | {R.COMMANDER, R.SUPERVISOR, R.GRID_CHIEF},
    "evaluation.decide_worker": frozenset({R.COMMANDER, R.GRID_CHIEF}),
    "evaluation.view_instructor": TOWN_CALLERS,
    "evaluation.forward": TOWN_CALLERS,
    "evaluation.decide_instructor": TOWN_CALLERS,
    # --- end of the people and points block ---
    # Terms, the negative list and exit (seed 002: the village adjusts its grid workers): the
    # town's centre staff and leaders, the village's commander and the administrators record
    # violations and end posts, of people they may manage (staff.access.people: wholly below
    # their own posts). A county's administrators keep its negative list.
    "assignment.exit": TOWN_CALLERS | {R.COMMANDER, R.ADMIN},
    "violation.record": TOWN_CALLERS | {R.COMMANDER, R.ADMIN},
    "redline.change": frozenset({R.ADMIN}),
    # The exit's handover writes each case's history; it is the exit's, so the same people.
    "case.hand_over": TOWN_CALLERS | {R.COMMANDER, R.ADMIN},
    # --- Linked cadres and the appraisal of departments (挂联, 三陪同, 部门考核评价) ---
    # A town follows its cadres' accompanied patrols; joining a patrol needs a link to its
    # village, not a role (staff.actions checks the link). A town scores the outposts stationed
    # with it; the county (a grant on the county itself) ranks its departments and outposts.
    "copatrol.view": TOWN_CALLERS | {R.ADMIN},
    "outpostscore.view": TOWN_CALLERS | {R.ADMIN},
    "outpostscore.score": TOWN_CALLERS,
    "unitrank.view": TOWN_CALLERS | {R.ADMIN},
    # --- end of the linked cadres block ---
    "door.mobile": FIELD_ROLES,
    "door.desk": DESK_ROLES | {R.ADMIN},
    "door.province": frozenset({PROVINCE}),
    "door.admin": frozenset({R.ADMIN}),
    # Reference data every county shares, with no node of its own (categories, triage policies,
    # holidays, the responsibility list): anyone may choose it in a form; the county's
    # administrators, on a grant at a county itself, change it (see _COUNTY_WIDE).
    "reference.choose": ALL_ROLES,
    "reference.change": frozenset({R.ADMIN}),
    # Django's own groups and permissions: gridgov decides by assignments, so no role may
    # touch them, only superusers (who pass every check).
    "auth.choose": frozenset(),
    # Provinces sit above every county's tree: no grant reaches them, only superusers.
    "province.choose": frozenset(),
}


# Actions on what the whole county shares rather than on a place, and what only the county
# itself decides (an instructor's evaluation, by its organization department): only a grant on
# a county itself (the root of its tree) carries them, never one on a town below it.
_COUNTY_WIDE = frozenset(
    {
        "reference.change",
        "appraisalrule.change",
        "pointsrule.change",
        "redline.change",
        "evaluation.decide_instructor",
        "unitrank.view",
    }
)
