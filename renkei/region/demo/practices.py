"""The region demo's practices part: good practices of 京都府 and its municipalities, a copy made by another
municipality (横展開), and two sharing meetings of the 中丹 municipalities (one held, with minutes; one planned).

The texts are our own summaries in the spirit of the seed's prefecture-support cases (滋賀県, 福井県: a
prefecture that coordinates the discharge rules across municipal borders and hosts meetings of municipal staff).
Everything is written through the services, as the staff named below; 綾部市's staff member is a demo membership
without a password (nobody logs in as them).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from renkei.core.models import AreaGroup, Membership, Municipality, Organization, ProgramItem, Role, Scene, User

from ..models import Practice, SharingMeeting, SourceKind
from ..services.meetings import meeting_minutes_save, meeting_save
from ..services.practices import PracticeError, practice_copy, practice_publish, practice_save

PREFECTURE_TITLE = "京都府による圏域単位の入退院支援ルールづくりの支援"
CITY_TITLE = "ロジックモデルで在宅医療・介護連携の目標と施策を見える化"
AYABE_TITLE = "小規模市での多職種連携研修の近隣市との共同開催"
CHUTAN_MEETING = "中丹地域 在宅医療・介護連携 担当者情報交換会"


def _member(email: str, role: str) -> Membership | None:
    return (Membership.objects.select_related("organization__municipality", "organization__prefecture")
            .filter(user__email=email, role=role, is_active=True).first())


def _ayabe_staff(ayabe: Municipality) -> Membership:
    office, _created = Organization.objects.get_or_create(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=ayabe, name="綾部市役所 福祉部 高齢者支援課",
        defaults={"prefecture": ayabe.prefecture, "kana": "アヤベシヤクショ"})
    user = User.objects.filter(email="ayabe@demo.renkei.example").first()
    if user is None:
        user = User.objects.create_user("ayabe@demo.renkei.example", None, display_name="綾部市 担当者")
    membership, _created = Membership.objects.get_or_create(user=user, organization=office,
                                                            role=Role.MUNICIPAL_STAFF)
    return membership


def _write(membership, *, offer=None, **fields) -> Practice:
    organization = membership.organization
    practice = Practice(municipality=organization.municipality if membership.role != Role.PREFECTURE_STAFF
                        else None, prefecture_id=organization.prefecture_id, **fields)
    if offer is not None:
        practice.offer_kind, practice.offer_id = str(offer[0]), offer[1].pk
    practice_save(membership=membership, practice=practice)
    return practice_publish(membership=membership, practice=practice)


def build(city) -> list[str]:
    """Build this part for the demo prefecture of `city`; return the lines to print (none when built before)."""
    if Practice.objects.filter(title=CITY_TITLE, municipality=city).exists():
        return []
    from renkei.handoff.models import RuleSet
    from renkei.pdca.models import LogicModel

    staff = _member("city@demo.renkei.example", Role.MUNICIPAL_STAFF)
    prefecture = _member("prefecture@demo.renkei.example", Role.PREFECTURE_STAFF)
    health_center = _member("healthcenter@demo.renkei.example", Role.PREFECTURE_STAFF)
    ayabe = Municipality.objects.filter(prefecture=city.prefecture, name="綾部市").first()
    maizuru = Municipality.objects.filter(prefecture=city.prefecture, name="舞鶴市").first()
    if None in (staff, prefecture, health_center, ayabe, maizuru):
        return []
    ayabe_staff = _ayabe_staff(ayabe)

    wide_rule = (RuleSet.objects.filter(area_group__prefecture=city.prefecture).order_by("-pk").first()
                 or RuleSet.objects.filter(prefecture=city.prefecture).order_by("-pk").first())
    by_prefecture = _write(
        prefecture, title=PREFECTURE_TITLE, reach=Practice.Reach.NATIONAL,
        summary="二次医療圏ごとに病院と居宅介護支援事業所の代表が集まり、保健所が事務局となって入退院支援ルールを"
                "共通化した。市町村の境を越えて入院する人が多い地域でも、同じ手順で情報がつながる。",
        body="保健所が圏域の病院・ケアマネジャー・市町村の担当者による検討会を開き、入院時情報提供と退院調整の"
             "手順と期限を話し合って決めた。府は様式案と他県（福井県・滋賀県）の事例を提供した。",
        results="ルール運用前後に病院とケアマネジャーへのアンケートを行い、退院調整もれの割合を比べた。",
        lessons="府（保健所）が事務局を担い、市町村は地域の事業所への周知を担うという役割分担を最初に確認する。",
        program_items=[ProgramItem.H, ProgramItem.D], scenes=[Scene.ADMISSION_DISCHARGE],
        contact="京都府 健康福祉部 高齢者支援課", offer=(SourceKind.RULE_SET, wide_rule) if wide_rule else None)

    logic_model = LogicModel.objects.filter(plan__municipality=city).order_by("-revision", "-pk").first()
    by_city = _write(
        staff, title=CITY_TITLE, reach=Practice.Reach.PREFECTURE,
        summary="目指す姿・中間アウトカム・具体的な施策・成果指標をロジックモデルにまとめ、協議会で毎年ふり返って"
                "いる。施策と指標のつながりが一目で分かる。",
        body="在宅医療・介護連携推進協議会の部会で、4つの場面ごとに目指す姿を話し合い、施策と成果指標を結び付けた。",
        results="協議会の議論が施策の進み具合と指標の値に沿って行われるようになった。",
        lessons="指標は既存の統計で毎年取れるものから選ぶと、ふり返りが続けやすい。",
        program_items=[ProgramItem.B], scenes=[Scene.DAILY_CARE, Scene.ADMISSION_DISCHARGE, Scene.EMERGENCY,
                                              Scene.END_OF_LIFE],
        contact="福知山市 福祉保健部 高齢者福祉課",
        offer=(SourceKind.LOGIC_MODEL, logic_model) if logic_model else None)

    by_ayabe = _write(
        ayabe_staff, title=AYABE_TITLE, reach=Practice.Reach.PREFECTURE,
        summary="単独では講師や参加者を集めにくい多職種連携研修を、近隣市と共同で企画・開催した。",
        body="中丹地域の3市で年間の研修テーマを分担し、会場を持ち回りにした。",
        results="参加職種が広がり、市をまたいだ顔の見える関係づくりにつながった。",
        lessons="企画段階から医師会・介護支援専門員協会に入ってもらう。",
        program_items=[ProgramItem.F, ProgramItem.H], scenes=[Scene.DAILY_CARE], contact="綾部市 高齢者支援課")

    lines = [f"region practices: {Practice.objects.filter(prefecture=city.prefecture).count()} good practices"]
    if by_city.offer_kind:
        try:
            practice_copy(membership=ayabe_staff, practice=by_city, municipality=ayabe)
            lines.append("region practices: 綾部市 copied 福知山市's logic model (横展開)")
        except PracticeError as error:
            lines.append(f"region practices: copy skipped ({error})")

    chutan = AreaGroup.objects.filter(prefecture=city.prefecture, name="中丹医療圏").first()
    neighbours = [city, maizuru, ayabe]
    held_at = (timezone.localtime() - dt.timedelta(days=40)).replace(hour=14, minute=0, second=0, microsecond=0)
    held = meeting_save(membership=health_center, meeting=SharingMeeting(
        prefecture=city.prefecture, area_group=chutan, title=CHUTAN_MEETING, held_at=held_at,
        place="京都府中丹西保健所",
        agenda="各市の取組状況の報告\n入退院支援ルールの運用状況\nロジックモデルの作り方（福知山市）\n意見交換"),
        invited=neighbours, practices=[by_prefecture, by_city])
    meeting_minutes_save(
        membership=health_center, meeting=held, attended=neighbours,
        minutes="1. 各市から（ア）〜（ク）の取組状況を報告した。\n"
                "2. 保健所から圏域の入退院支援ルールの運用状況を説明し、もれの多い病院への個別訪問を提案した。\n"
                "3. 福知山市からロジックモデルの作り方を紹介し、綾部市が自市の計画に取り入れることになった。\n"
                "4. 次回は研修の共同開催について話し合う。")
    upcoming_at = (timezone.localtime() + dt.timedelta(days=30)).replace(hour=13, minute=30, second=0,
                                                                       microsecond=0)
    meeting_save(membership=staff, meeting=SharingMeeting(
        prefecture=city.prefecture, municipality=city, area_group=chutan,
        title="中丹3市 多職種連携研修の共同開催 打合せ", held_at=upcoming_at, place="福知山市役所",
        agenda="来年度の研修テーマの分担\n会場と日程\n広報"), invited=neighbours, practices=[by_ayabe])
    lines.append("region practices: 2 sharing meetings of 中丹 (one held with minutes, one planned)")
    return lines
