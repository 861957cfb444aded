"""Demo data for issue 4: the Steering Committee, agency users, benefits, loans, training and
targets of 2017, written through `programs.services` like an officer's records.

The deliveries deliberately leave gaps, so that each coverage worklist of the plan's 100%
targets (section II) has households left to reach: about 5% of the members of poor and
near-poor households have no health-insurance card recorded, some pupils have no tuition
exemption, about 40% of the households that asked for credit have no loan, a few poor
households received nothing at all, and three ward officers were not trained this year.

Households are picked by their recognised standing (`households.standing`): the list in force
in 2017 is the result of the 2016 review. Every delivery is judged on its own date by the same
function the forms and the services use (`programs.selectors`: the standing on that day, the
programme's rule in force that day), and the service checks it again; two are given on purpose
to households that are not eligible, with the reason recorded (the override path).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, QuerySet

from demo.data import MOBILE_PREFIXES, password_hash
from demo.people import name_parts
from households import services as household_services
from households import standing
from households.ethnicities import Ethnicity
from households.models import Assessment, Household, Member, ReviewRound, User, Ward
from programs import eligibility, selectors, services
from programs.eligibility import HouseholdFacts
from programs.models import (
    Agency,
    Benefit,
    CommitteeMember,
    HouseholdAssignment,
    Loan,
    Programme,
)
from programs.scope import kept, scope_for

YEAR = 2017
HISTORY_REASON = "Dữ liệu mẫu"

# --- Who is who ----------------------------------------------------------------------------

# (position, agency code or None, wards followed)
CITY_COMMITTEE: tuple[tuple[str, str | None, int], ...] = (
    ("Phó Chủ tịch UBND thành phố – Trưởng ban", None, 1),
    ("Trưởng phòng Lao động – Thương binh và Xã hội – Phó Trưởng ban thường trực", "ldtbxh", 2),
    ("Giám đốc Phòng giao dịch Ngân hàng Chính sách xã hội – Phó Trưởng ban", "nhcsxh", 2),
    ("Trưởng phòng Quản lý Đô thị – Thành viên", "qldt", 2),
    ("Trưởng phòng Kinh tế – Thành viên", "kinh-te", 2),
    ("Trưởng phòng Văn hóa và Thông tin – Thành viên", "vhtt", 1),
    ("Trưởng phòng Tài chính – Kế hoạch – Thành viên", "tckh", 1),
    ("Trưởng phòng Y tế – Thành viên", "y-te", 2),
    ("Trưởng phòng Tư pháp – Thành viên", "tu-phap", 1),
    ("Trưởng phòng Giáo dục và Đào tạo – Thành viên", "gd-dt", 2),
    ("Phó Chủ tịch Ủy ban MTTQ Việt Nam thành phố – Thành viên", "mttq", 3),
)
# (position with {unit} = "phường"/"xã", agency code, manages households)
WARD_COMMITTEE: tuple[tuple[str, str, bool], ...] = (
    ("Chủ tịch UBND {unit} – Trưởng ban", "ubnd-phuong-xa", False),
    (
        "Công chức Lao động – Thương binh và Xã hội {unit} – Phó Trưởng ban thường trực",
        "ubnd-phuong-xa",
        True,
    ),
    ("Chủ tịch Ủy ban MTTQ Việt Nam {unit} – Phó Trưởng ban", "mttq", True),
    ("Chủ tịch Hội Liên hiệp Phụ nữ {unit} – Thành viên", "mttq", True),
    ("Bí thư Đoàn Thanh niên {unit} – Thành viên", "mttq", True),
)
# The ward committee member who signs in (index into WARD_COMMITTEE) and their ward.
COMMITTEE_LOGIN = ("bcd_ducthang", "duc-thang", 2)
# (username, agency code, family name, middle and given names)
AGENCY_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("nhcsxh", "nhcsxh", "Lê", "Thị Minh Thư"),
    ("yte", "y-te", "Phan", "Văn Khánh"),
    ("giaoduc", "gd-dt", "Võ", "Thị Ngọc Lan"),
)
UNASSIGNED_SHARE = 0.05

# --- What was delivered --------------------------------------------------------------------

HEALTH_CARD_SHARE = 0.95
TUITION_SHARE = 0.85
STUDY_SUPPORT_SHARE = 0.6
LOAN_SHARE = 0.6
NOTHING_SHARE = 0.04  # poor households nobody has reached yet
OVERDUE_SHARE = 0.06
CHECKED_SHARE = 0.5
STUDY_SUPPORT_MONTHS = 9
ELECTRICITY_MONTHS = 12
SOCIAL_ALLOWANCE = 270_000  # đ per month, Decree 136/2013
LOAN_AMOUNTS = (20_000_000, 25_000_000, 30_000_000, 40_000_000, 50_000_000)
LOAN_TERMS = (36, 48, 60)
LOAN_PURPOSES = {
    "coastal": ("Mua ngư lưới cụ, sửa chữa thuyền", "Buôn bán hải sản", "Chăn nuôi heo"),
    "urban": ("Buôn bán nhỏ", "Mở quán ăn uống", "Mua máy may gia công"),
    "rural": ("Trồng thanh long", "Chăn nuôi bò sinh sản", "Chăn nuôi dê"),
}
COASTAL = frozenset({"duc-long", "duc-thang", "ham-tien", "lac-dao", "mui-ne", "phu-hai"})
MISUSED_NOTE = (
    "Hộ sử dụng một phần vốn vay để trả nợ cũ và chi tiêu sinh hoạt; đã nhắc nhở hộ sử dụng "
    "vốn đúng mục đích."
)
OVERRIDES = {
    "mien-hoc-phi": (
        "Học sinh mồ côi cha, gia đình có hoàn cảnh đặc biệt khó khăn; Hội đồng trường đề nghị "
        "và UBND phường thống nhất miễn học phí năm học 2017–2018."
    ),
    "ho-tro-tien-dien": (
        "Hộ có người khuyết tật nặng sống một mình, thu nhập sát chuẩn nghèo; UBND phường quyết "
        "định hỗ trợ tiền điện năm 2017."
    ),
}

# --- Training and targets ------------------------------------------------------------------

TRAININGS: tuple[tuple[datetime.date, str, str], ...] = (
    (
        datetime.date(YEAR, 3, 16),
        "Tập huấn nghiệp vụ rà soát hộ nghèo, hộ cận nghèo theo chuẩn nghèo đa chiều giai đoạn "
        "2016–2020",
        "Hội trường UBND thành phố Phan Thiết",
    ),
    (
        datetime.date(YEAR, 6, 22),
        "Tập huấn nâng cao năng lực cho cán bộ làm công tác giảm nghèo phường, xã và khu phố, thôn",
        "Trung tâm Bồi dưỡng chính trị thành phố",
    ),
    (
        datetime.date(YEAR, 8, 24),
        "Tập huấn quy trình rà soát hộ nghèo, hộ cận nghèo định kỳ năm 2017 theo Thông tư "
        "17/2016/TT-BLĐTBXH",
        "Hội trường UBND thành phố Phan Thiết",
    ),
    (
        datetime.date(YEAR, 10, 12),
        "Tập huấn cho Ban Chỉ đạo giảm nghèo thành phố và phường, xã về phân công phụ trách "
        "địa bàn, quản lý hộ",
        "Hội trường Phòng Lao động – Thương binh và Xã hội",
    ),
)
UNTRAINED_WARDS = ("duc-thang", "tien-loi", "phu-hai")
# Households of the ward in the demo × this ratio ≈ all households living in the ward.
TOTAL_HOUSEHOLDS_RATIO = (16.0, 24.0)


@dataclass(frozen=True)
class ProgrammesSeedResult:
    committee_members: int
    users: int
    assignments: int
    benefits: int
    loans: int
    trainings: int
    targets: int


@dataclass
class _Case:
    """What the seeder knows about one household on the list in force in 2017: its standing
    on the year's reference day and the survey behind it (needs, causes, forecast)."""

    household: Household
    status: str
    standing: frozenset[str]
    needs: set[str]
    causes: set[str]
    expected_to_escape: bool
    known_from: datetime.date
    members: list[Member] = field(default_factory=list)


def seed_programmes(
    *,
    wards: Sequence[Ward],
    rounds: Mapping[int, ReviewRound],
    officers: Mapping[int, User],
    city: User,
    seed: int,
    password: Callable[[], str] | None = None,
) -> ProgrammesSeedResult:
    """Seed the issue 4 demo records once; a database that has committee members is left as
    it is."""
    if CommitteeMember.objects.exists() or YEAR not in rounds:
        return ProgrammesSeedResult(0, 0, 0, 0, 0, 0, 0)
    users = _seed_users(password)
    members = _seed_committee(wards, seed=seed)
    cases = _load_cases()
    assignments = _seed_assignments(cases, members, officers, seed=seed)
    benefits, loans = _Deliveries(cases, officers, seed=seed).run()
    trainings = _seed_trainings(wards, officers, city)
    targets = _seed_targets(wards, cases, city, seed=seed)
    return ProgrammesSeedResult(
        committee_members=sum(len(m) for m in members.values()),
        users=users,
        assignments=assignments,
        benefits=benefits,
        loans=loans,
        trainings=trainings,
        targets=targets,
    )


def record_programmes_history(
    households: QuerySet[Household], *, since: datetime.date | None = None
) -> None:
    """One "created" audit entry per demo benefit, loan and assignment (see `_record_history`
    in `demo.write`: written in bulk once history is back on); with `since`, for
    the benefits given from that day alone (the later years added to an existing demo)."""
    tables: list[tuple[Any, QuerySet[Any]]] = [
        (Benefit, Benefit.objects.filter(household__in=households)),
        (Loan, Loan.objects.filter(benefit__household__in=households)),
        (HouseholdAssignment, HouseholdAssignment.objects.filter(household__in=households)),
    ]
    if since is not None:
        tables = [(Benefit, Benefit.objects.filter(household__in=households, date__gte=since))]
    for model, rows in tables:
        model.history.bulk_history_create(
            list(rows), batch_size=1000, default_change_reason=HISTORY_REASON
        )


# --- Users and the committee ---------------------------------------------------------------


def _seed_users(password: Callable[[], str] | None = None) -> int:
    """The committee's and the agencies' logins, with the demo password (`password`: a
    seeding's `demo.data.password_hash()`, one hash for all its users)."""
    agencies = {a.code: a for a in Agency.objects.all()}
    specs: list[dict[str, Any]] = [
        {"username": COMMITTEE_LOGIN[0], "role": User.Role.COMMITTEE_MEMBER},
    ]
    specs.extend(
        {
            "username": username,
            "role": User.Role.AGENCY_USER,
            "agency": agencies[code],
            "last_name": family,
            "first_name": given,
        }
        for username, code, family, given in AGENCY_USERS
    )
    existing = set(
        User.objects.filter(username__in=[s["username"] for s in specs]).values_list(
            "username", flat=True
        )
    )
    missing = [s for s in specs if s["username"] not in existing]
    if not missing:
        return 0
    password = password or password_hash()
    for spec in missing:
        household_services.user_create(**spec, password_hash=password())
    return len(missing)


def _person(rng: random.Random, birth_year: int) -> tuple[str, str]:
    sex = rng.choice([Member.Sex.MALE, Member.Sex.FEMALE])
    family, middle, given = name_parts(rng, sex, Ethnicity.KINH, birth_year=birth_year)
    return family, f"{middle} {given}"


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


def _new_member(**fields: Any) -> CommitteeMember:
    # Committee members are kept in the admin (no service of their own): validate like it.
    member = CommitteeMember(**fields)
    member.full_clean()
    member.save()
    return member


def _seed_committee(wards: Sequence[Ward], *, seed: int) -> dict[int | None, list[CommitteeMember]]:
    """The city committee (each member following 1–3 wards) and one committee per ward.
    Returns the members who manage households, by ward (None: the city's)."""
    rng = random.Random(f"{seed}:committee")
    agencies = {a.code: a for a in Agency.objects.all()}
    login_name, login_ward, login_index = COMMITTEE_LOGIN
    login = User.objects.filter(
        username=login_name, role=User.Role.COMMITTEE_MEMBER, committee_member__isnull=True
    ).first()
    managing: dict[int | None, list[CommitteeMember]] = {None: []}
    ward_cycle = list(wards)
    cursor = 0
    for position, agency_code, followed in CITY_COMMITTEE:
        family, given = _person(rng, birth_year=1968)
        member = _new_member(
            full_name=f"{family} {given}",
            position=position,
            agency=agencies[agency_code] if agency_code else None,
            level=CommitteeMember.Level.CITY,
            phone=_phone(rng),
        )
        chosen = [ward_cycle[(cursor + i) % len(ward_cycle)] for i in range(followed)]
        cursor += followed
        member.assigned_wards.set(chosen)
        managing[None].append(member)
    for ward in wards:
        unit = "xã" if ward.kind == Ward.Kind.COMMUNE else "phường"
        managing[ward.pk] = []
        for index, (position, agency_code, manages) in enumerate(WARD_COMMITTEE):
            family, given = _person(rng, birth_year=1975)
            user = login if (ward.code == login_ward and index == login_index) else None
            member = _new_member(
                full_name=f"{family} {given}",
                position=position.format(unit=f"{unit} {ward.name}"),
                agency=agencies[agency_code],
                level=CommitteeMember.Level.WARD,
                ward=ward,
                phone=_phone(rng),
                user=user,
            )
            member.assigned_wards.set([ward])
            if user is not None and not (user.first_name or user.last_name):
                # The account carries the member's name, as the committee's list shows it.
                user.last_name, user.first_name = family, given
                user.save(update_fields=["last_name", "first_name"])
            if manages:
                managing[ward.pk].append(member)
    return managing


# --- The 2017 round as the seeder sees it --------------------------------------------------


def _load_cases(household_ids: list[int] | None = None) -> list[_Case]:
    """The households with a programme status (poor, near-poor, recently escaped) on the list
    in force in 2017 (`standing.reference_day`), with the recognised survey behind it; of
    `household_ids` only when given (the synthetic generator reads them chunk by chunk)."""
    day = standing.reference_day(YEAR)
    households = Household.objects.all()
    surveys = Assessment.objects.all()
    if household_ids is not None:
        households = households.filter(pk__in=household_ids)
        surveys = surveys.filter(household_id__in=household_ids)
    found = standing.standings(households.values_list("pk", flat=True), day)
    listed = {s.assessment_id: s for s in found.values() if s.programme_statuses}
    # A benefit cannot predate the household's first review round (`programs.services`).
    known_from = dict(
        surveys.order_by()
        .values_list("household_id")
        .annotate(first=Min("round__starts_on"))
        .values_list("household_id", "first")
    )
    assessments = (
        Assessment.objects.filter(pk__in=list(listed))
        .select_related("household__ward")
        .prefetch_related("needs", "causes", "household__members")
        .order_by("household__unit_order", "household__code")
    )
    return [
        _Case(
            household=a.household,
            status=listed[a.pk].status or "",
            standing=listed[a.pk].programme_statuses,
            needs={n.code for n in a.needs.all()},
            causes={c.code for c in a.causes.all()},
            expected_to_escape=a.expected_to_escape,
            known_from=known_from[a.household_id],
            members=sorted(a.household.members.all(), key=lambda m: m.pk),
        )
        for a in assessments
    ]


# --- Assignments ---------------------------------------------------------------------------


def _seed_assignments(
    cases: Sequence[_Case],
    members: Mapping[int | None, list[CommitteeMember]],
    officers: Mapping[int, User],
    *,
    seed: int,
) -> int:
    """Every poor household gets a ward committee member to manage it (cán bộ quản lý hộ),
    in turn, except a few still waiting for one."""
    rng = random.Random(f"{seed}:assignments")
    turns: dict[int, int] = {}
    count = 0
    for case in cases:
        ward_id = case.household.ward_id
        officer = officers.get(ward_id)
        candidates = members.get(ward_id) or []
        if case.status != eligibility.POOR or officer is None or not candidates:
            continue
        if rng.random() < UNASSIGNED_SHARE:
            continue
        turn = turns.get(ward_id, 0)
        turns[ward_id] = turn + 1
        services.household_assign(
            household=case.household,
            member=candidates[turn % len(candidates)],
            since=datetime.date(YEAR, 12, 11),
            by=officer,
        )
        count += 1
    return count


# --- Benefits and loans --------------------------------------------------------------------


class _Deliveries:
    """What each household received in 2017, recorded by the ward officer, or by the agency's
    own user where it has one and the household is on its list (plan section IV)."""

    def __init__(self, cases: Sequence[_Case], officers: Mapping[int, User], *, seed: int):
        self.cases = cases
        self.officers = officers
        self.rng = random.Random(f"{seed}:benefits")
        self.programmes = {p.code: p for p in Programme.objects.select_related("agency")}
        self.agency_users = {
            u.agency_id: u
            for u in User.objects.filter(
                role=User.Role.AGENCY_USER,
                username__in=[spec[0] for spec in AGENCY_USERS],
                is_active=True,
            )
        }
        self.rules = selectors.rules_of(self.programmes.values())
        # Facts of the case households by day, and the households each agency user sees.
        self.facts: dict[datetime.date, dict[int, HouseholdFacts]] = {}
        self.seen: dict[int, set[int]] = {}
        self.benefits = 0
        self.loans = 0
        # Whole lists recorded at once, as a ward sends them: (code, recorder, date, amount,
        # quantity, note) → recipients.
        self.lists: dict[tuple[Any, ...], list[tuple[Household, Member | None]]] = {}
        self.overrides: set[str] = set()

    def run(self) -> tuple[int, int]:
        # Each agency user's scope is built once for the whole run, not for every check of
        # every delivery (`programs.scope.kept`): the services still check each one.
        with ExitStack() as stack:
            for user in self.agency_users.values():
                stack.enter_context(kept(user))
            return self._run()

    def _run(self) -> tuple[int, int]:
        for case in self.cases:
            officer = self.officers.get(case.household.ward_id)
            if officer is None:
                continue
            if case.status == eligibility.POOR and self.rng.random() < NOTHING_SHARE:
                continue
            self._health_cards(case, officer)
            self._school(case, officer)
            self._credit(case, officer)
            self._household_support(case, officer)
            self._member_support(case, officer)
            self._overrides(case, officer)
        for (code, by, day, amount, quantity, note), recipients in self.lists.items():
            services.benefits_record_bulk(
                programme=self.programmes[code],
                recipients=recipients,
                date=day,
                amount=amount,
                quantity=quantity,
                note=note,
                by=by,
            )
            self.benefits += len(recipients)
        return self.benefits, self.loans

    # Helpers

    def _day(self, month: int, first: int = 1, last: int = 28) -> datetime.date:
        return datetime.date(YEAR, month, self.rng.randint(first, last))

    def _ward_day(self, case: _Case, month: int, first: int) -> datetime.date:
        return datetime.date(YEAR, month, first + case.household.ward.display_order % 10)

    def _listed(
        self,
        code: str,
        case: _Case,
        officer: User,
        *,
        day: datetime.date,
        member: Member | None = None,
        amount: int | None = None,
        quantity: int | None = None,
        note: str = "",
    ) -> None:
        by = self._recorder(self.programmes[code], case, officer)
        key = (code, by, day, amount, quantity, note)
        self.lists.setdefault(key, []).append((case.household, member))

    def _facts_on(self, case: _Case, day: datetime.date) -> HouseholdFacts:
        if day not in self.facts:
            ids = [c.household.pk for c in self.cases]
            self.facts[day] = selectors.facts_on(ids, day)
        return self.facts[day][case.household.pk]

    def _eligible(self, code: str, case: _Case, member: Member | None, day: datetime.date) -> bool:
        """The verdict the service will give on `day` (`programs.selectors`)."""
        programme = self.programmes[code]
        rule = eligibility.rule_in_force(self.rules[programme.pk], day)
        facts = self._facts_on(case, day)
        return selectors.judge_prepared(programme, rule, facts, member, day).eligible

    def _recorder(self, programme: Programme, case: _Case, officer: User) -> User:
        # The agency's own user records it where they see the household (their scope).
        agency_user = self.agency_users.get(programme.agency_id)
        if agency_user is None:
            return officer
        if agency_user.pk not in self.seen:
            self.seen[agency_user.pk] = set(
                Household.objects.within(scope_for(agency_user)).values_list("pk", flat=True)
            )
        return agency_user if case.household.pk in self.seen[agency_user.pk] else officer

    def _give(
        self,
        code: str,
        case: _Case,
        officer: User,
        *,
        day: datetime.date,
        member: Member | None = None,
        amount: int | None = None,
        quantity: int | None = None,
        reference: str = "",
        note: str = "",
        override_reason: str = "",
    ) -> None:
        programme = self.programmes[code]
        services.benefit_record(
            programme=programme,
            household=case.household,
            member=member,
            date=day,
            amount=amount,
            quantity=quantity,
            reference=reference,
            note=note,
            override_reason=override_reason,
            by=self._recorder(programme, case, officer),
        )
        self.benefits += 1

    # What each household receives

    def _health_cards(self, case: _Case, officer: User) -> None:
        if case.status not in (eligibility.POOR, eligibility.NEAR_POOR):
            return
        day = self._ward_day(case, 10, 2)
        statuses = self._facts_on(case, day).statuses
        code = "bhyt-ngheo" if eligibility.POOR in statuses else "bhyt-can-ngheo"
        for member in case.members:
            if self.rng.random() < HEALTH_CARD_SHARE and self._eligible(code, case, member, day):
                self._listed(
                    code,
                    case,
                    officer,
                    day=day,
                    member=member,
                    quantity=1,
                    note="Thẻ bảo hiểm y tế năm 2018",
                )

    def _school(self, case: _Case, officer: User) -> None:
        day = self._ward_day(case, 9, 11)
        for member in case.members:
            if not member.attends_school:
                continue
            if self._eligible("mien-hoc-phi", case, member, day):
                if self.rng.random() >= TUITION_SHARE:
                    continue
                self._listed(
                    "mien-hoc-phi",
                    case,
                    officer,
                    day=day,
                    member=member,
                    quantity=1,
                    note="Miễn học phí năm học 2017–2018",
                )
                if self.rng.random() < STUDY_SUPPORT_SHARE:
                    monthly = self._usual("ho-tro-chi-phi-hoc-tap", day, 100_000)
                    self._listed(
                        "ho-tro-chi-phi-hoc-tap",
                        case,
                        officer,
                        day=day,
                        member=member,
                        amount=monthly * STUDY_SUPPORT_MONTHS,
                        note="Hỗ trợ chi phí học tập năm học 2017–2018 (9 tháng)",
                    )
            elif self._eligible("giam-hoc-phi", case, member, day):
                if self.rng.random() < TUITION_SHARE:
                    self._listed(
                        "giam-hoc-phi",
                        case,
                        officer,
                        day=day,
                        member=member,
                        quantity=1,
                        note="Giảm 50% học phí năm học 2017–2018",
                    )
            elif member.age_on(day) >= 18 and self.rng.random() < 0.5:
                self._loan(
                    "vay-hssv",
                    case,
                    officer,
                    member=member,
                    day=self._loan_day(case),
                    amount=15_000_000,
                    term=60,
                    purpose="Chi phí học tập, sinh hoạt cho sinh viên",
                )

    def _credit(self, case: _Case, officer: User) -> None:
        if "credit" not in case.needs or self.rng.random() >= LOAN_SHARE:
            return
        day = self._loan_day(case)
        statuses = self._facts_on(case, day).statuses
        if eligibility.POOR in statuses:
            code = "vay-ho-ngheo"
        elif eligibility.NEAR_POOR in statuses:
            code = "vay-ho-can-ngheo"
        else:
            code = "vay-ho-moi-thoat-ngheo"
        ward_code = case.household.ward.code
        area = (
            "coastal"
            if ward_code in COASTAL
            else "rural"
            if case.household.ward.kind == Ward.Kind.COMMUNE
            else "urban"
        )
        purpose = self.rng.choice(LOAN_PURPOSES[area])
        amount = self.rng.choice(LOAN_AMOUNTS)
        term = self.rng.choice(LOAN_TERMS)
        if "housing" in case.needs and self._eligible("vay-nha-o", case, None, day):
            code, purpose, term = "vay-nha-o", "Xây dựng, sửa chữa nhà ở", 180
            rule = eligibility.rule_in_force(self.rules[self.programmes[code].pk], day)
            amount = (rule.amount if rule else None) or 25_000_000
        elif (
            "water" in case.needs
            and self.rng.random() < 0.4
            and self._eligible("vay-nuoc-sach", case, None, day)
        ):
            code, purpose, amount, term = (
                "vay-nuoc-sach",
                "Xây dựng công trình nước sạch và nhà tiêu hợp vệ sinh",
                12_000_000,
                60,
            )
        self._loan(
            code, case, officer, member=None, day=day, amount=amount, term=term, purpose=purpose
        )

    def _loan_day(self, case: _Case) -> datetime.date:
        earliest = max(case.known_from, datetime.date(YEAR, 3, 1))
        return earliest + datetime.timedelta(
            days=self.rng.randrange((datetime.date(YEAR, 11, 30) - earliest).days)
        )

    def _loan(
        self,
        code: str,
        case: _Case,
        officer: User,
        *,
        member: Member | None,
        day: datetime.date,
        amount: int,
        term: int,
        purpose: str,
    ) -> None:
        if not self._eligible(code, case, member, day):
            return
        programme = self.programmes[code]
        by = self._recorder(programme, case, officer)
        self.loans += 1
        loan = services.loan_record(
            programme=programme,
            household=case.household,
            member=member,
            date=day,
            amount=amount,
            purpose=purpose,
            term_months=term,
            reference=f"{case.household.ward.code.upper()[:2]}-{YEAR}-{self.loans:05d}",
            by=by,
        )
        self.benefits += 1
        balance_on = datetime.date(YEAR, 12, 31)
        months = (balance_on.year - day.year) * 12 + balance_on.month - day.month
        overdue = self.rng.random() < OVERDUE_SHARE
        # Principal is repaid by the quarter: nothing for an overdue loan.
        repaid = 0 if overdue else (months // 3) * 3 * amount // term // 100_000 * 100_000
        services.loan_update(
            loan=loan,
            outstanding=amount - repaid,
            is_overdue=overdue,
            balance_on=balance_on,
            by=by,
        )
        if self.rng.random() < CHECKED_SHARE:
            used = self.rng.random() >= 0.1
            services.loan_check_record(
                loan=loan,
                checked_on=min(day + datetime.timedelta(days=45), balance_on),
                used_as_intended=used,
                note=(
                    "Tổ tiết kiệm và vay vốn kiểm tra: hộ sử dụng vốn đúng mục đích."
                    if used
                    else MISUSED_NOTE
                ),
                by=by,
            )

    def _usual(self, code: str, day: datetime.date, fallback: int) -> int:
        """The usual amount of the programme's rule in force on `day`."""
        rule = eligibility.rule_in_force(self.rules[self.programmes[code].pk], day)
        return (rule.amount if rule is not None else None) or fallback

    def _household_support(self, case: _Case, officer: User) -> None:
        rng = self.rng
        day = self._ward_day(case, 12, 1)
        if self._eligible("ho-tro-tien-dien", case, None, day) and rng.random() < 0.8:
            self._listed(
                "ho-tro-tien-dien",
                case,
                officer,
                day=day,
                amount=self._usual("ho-tro-tien-dien", day, 46_000) * ELECTRICITY_MONTHS,
                note="Hỗ trợ tiền điện năm 2017 (12 tháng)",
            )
        day = self._day(11)
        if (
            case.needs & {"tools", "land"}
            and rng.random() < 0.35
            and self._eligible("ho-tro-san-xuat", case, None, day)
        ):
            self._give(
                "ho-tro-san-xuat",
                case,
                officer,
                day=day,
                quantity=1,
                note=rng.choice(
                    ("Hỗ trợ 02 con bò giống", "Hỗ trợ ngư lưới cụ", "Hỗ trợ cây giống")
                ),
            )
        day = self._day(10)
        if (
            "housing" in case.needs
            and rng.random() < 0.15
            and self._eligible("ho-tro-nha-o", case, None, day)
        ):
            self._give(
                "ho-tro-nha-o",
                case,
                officer,
                day=day,
                quantity=1,
                note="Hỗ trợ xây dựng, sửa chữa nhà ở theo Quyết định 33/2015/QĐ-TTg",
            )
        day = self._ward_day(case, 12, 15)
        if (
            case.status == eligibility.POOR
            and rng.random() < 0.3
            and self._eligible("quy-vi-nguoi-ngheo", case, None, day)
        ):
            self._listed(
                "quy-vi-nguoi-ngheo",
                case,
                officer,
                day=day,
                amount=500_000,
                note="Quà Tết Mậu Tuất 2018 từ Quỹ Vì người nghèo",
            )
        day = self._day(11, 6, 20)
        if (
            "disaster" in case.causes
            and rng.random() < 0.7
            and self._eligible("cuu-tro-dot-xuat", case, None, day)
        ):
            self._give(
                "cuu-tro-dot-xuat",
                case,
                officer,
                day=day,
                amount=2_000_000,
                note="Cứu trợ sau bão số 12 (tháng 11/2017)",
            )

    def _member_support(self, case: _Case, officer: User) -> None:
        rng = self.rng
        day = self._day(10)
        adults = [m for m in case.members if self._eligible("day-nghe", case, m, day)]
        if adults and case.needs & {"vocational", "job"} and rng.random() < 0.4:
            learner = min(adults, key=lambda m: (-m.birth_year, m.pk))
            self._give(
                "day-nghe",
                case,
                officer,
                day=day,
                member=learner,
                quantity=1,
                amount=3_000_000
                if eligibility.POOR in self._facts_on(case, day).statuses
                else 2_500_000,
                note=rng.choice(("Nghề may công nghiệp", "Nghề sửa chữa xe máy", "Nghề nấu ăn")),
            )
        placed_on = self._day(11)
        job_seekers = [
            m for m in case.members if self._eligible("gioi-thieu-viec-lam", case, m, placed_on)
        ]
        if job_seekers and "job" in case.needs and rng.random() < 0.25:
            self._give(
                "gioi-thieu-viec-lam",
                case,
                officer,
                day=placed_on,
                member=job_seekers[0],
                quantity=1,
                note=rng.choice(
                    (
                        "Làm công nhân tại Khu công nghiệp Phan Thiết",
                        "Đi làm việc ở nước ngoài theo hợp đồng",
                    )
                ),
            )
        head = case.members[0] if case.members else None
        if (
            head
            and "legal-aid" in case.needs
            and rng.random() < 0.5
            and self._eligible("tro-giup-phap-ly", case, head, day)
        ):
            self._give("tro-giup-phap-ly", case, officer, day=day, member=head, quantity=1)
        if "illness" in case.causes and rng.random() < 0.4:
            patient = max(case.members, key=lambda m: (m.age_on(day), -m.pk), default=None)
            if patient and self._eligible("kham-chua-benh", case, patient, day):
                self._give(
                    "kham-chua-benh",
                    case,
                    officer,
                    day=day,
                    member=patient,
                    quantity=1,
                    note="Khám, chữa bệnh tại Trung tâm Y tế thành phố",
                )
        paid_on = self._ward_day(case, 12, 1)
        for member in case.members:
            needy = member.age_on(paid_on) >= 80 or member.disability != Member.Disability.NONE
            if needy and self._eligible("tro-cap-xa-hoi", case, member, paid_on):
                self._listed(
                    "tro-cap-xa-hoi",
                    case,
                    officer,
                    day=paid_on,
                    member=member,
                    amount=SOCIAL_ALLOWANCE * 12,
                    note="Trợ cấp xã hội hằng tháng năm 2017 (12 tháng)",
                )

    def _overrides(self, case: _Case, officer: User) -> None:
        """Two deliveries to near-poor households that the rules leave out, with the reason."""
        if case.status != eligibility.NEAR_POOR or len(self.overrides) == len(OVERRIDES):
            return
        day = self._day(9, 11, 29) if "mien-hoc-phi" not in self.overrides else self._day(12, 1, 15)
        if "mien-hoc-phi" not in self.overrides:
            pupil = next((m for m in case.members if m.attends_school and m.age_on(day) < 18), None)
            if pupil and not self._eligible("mien-hoc-phi", case, pupil, day):
                self._give(
                    "mien-hoc-phi",
                    case,
                    officer,
                    day=day,
                    member=pupil,
                    quantity=1,
                    override_reason=OVERRIDES["mien-hoc-phi"],
                )
                self.overrides.add("mien-hoc-phi")
            return
        if not self._eligible("ho-tro-tien-dien", case, None, day):
            self._give(
                "ho-tro-tien-dien",
                case,
                officer,
                day=day,
                amount=self._usual("ho-tro-tien-dien", day, 46_000) * ELECTRICITY_MONTHS,
                override_reason=OVERRIDES["ho-tro-tien-dien"],
            )
            self.overrides.add("ho-tro-tien-dien")


# --- Training and targets ------------------------------------------------------------------


def _seed_trainings(wards: Sequence[Ward], officers: Mapping[int, User], city: User) -> int:
    """The Labour department's courses of the year; three wards' officers missed them all."""
    organiser = Agency.objects.get(code="ldtbxh")
    trained = [officers[w.pk] for w in wards if w.pk in officers and w.code not in UNTRAINED_WARDS]
    committee_users = list(User.objects.filter(committee_member__isnull=False).order_by("pk"))
    for index, (day, topic, location) in enumerate(TRAININGS):
        training = services.training_create(
            date=day, topic=topic, organiser=organiser, location=location, by=city
        )
        # Each officer attends about half the courses, and at least the first.
        attendees = [u for n, u in enumerate(trained) if index == 0 or (n + index) % 2 == 0]
        if index == len(TRAININGS) - 1:
            attendees += committee_users
        services.training_set_attendance(training=training, officers=attendees, by=city)
    return len(TRAININGS)


def _seed_targets(wards: Sequence[Ward], cases: Sequence[_Case], city: User, *, seed: int) -> int:
    """Each ward's 2017 plan: about as many escapes as its list expects, some wards more
    ambitious, some less; the total households of the ward (the poor rate's denominator)."""
    rng = random.Random(f"{seed}:targets")
    previous = random.Random(f"{seed}:targets-previous-year")
    expected: dict[int, int] = {}
    for case in cases:
        if case.status == eligibility.POOR and case.expected_to_escape:
            expected[case.household.ward_id] = expected.get(case.household.ward_id, 0) + 1
    listed = dict(
        Household.objects.order_by()
        .values_list("ward_id")
        .annotate(n=Count("pk"))
        .values_list("ward_id", "n")
    )
    count = 0
    for ward in wards:
        households = listed.get(ward.pk, 0)
        if not households:
            continue
        planned = max(1, expected.get(ward.pk, 0) + rng.choice((-2, -1, 0, 0, 1, 2)))
        total = round(households * rng.uniform(*TOTAL_HOUSEHOLDS_RATIO), -1)
        rates = (
            (Decimal("0.2"), Decimal("0.3"))
            if rng.random() < 0.7
            else (
                Decimal("0.25"),
                Decimal("0.3"),
            )
        )
        services.ward_target_save(
            ward=ward,
            year=YEAR,
            households_to_escape=planned,
            total_households=max(int(total), households),
            rate_reduction_min=rates[0],
            rate_reduction_max=rates[1],
            by=city,
        )
        # The year before, so the rate at the start of the year has its own denominator:
        # the ward had slightly fewer households (about 1-2% growth a year).
        services.ward_target_save(
            ward=ward,
            year=YEAR - 1,
            households_to_escape=max(1, planned + previous.choice((-1, 0, 1))),
            total_households=max(int(round(total / previous.uniform(1.01, 1.02), -1)), households),
            by=city,
        )
        count += 2
    return count
