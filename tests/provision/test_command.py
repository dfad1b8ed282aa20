import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from renkei.provision.models import ShiftKind
from renkei.provision.selectors import rota

from .factories import shift


def _cover_all_but_one_night(world):
    today = timezone.localdate()
    gap = today + dt.timedelta(days=3)
    for offset in range(14):
        day = today + dt.timedelta(days=offset)
        for kind in rota.days.needed_shifts(day):
            if (day, kind) != (gap, ShiftKind.NIGHT):
                shift(world.group, day, kind, world.covering)
    return gap


@pytest.mark.django_db
def test_rota_gaps_prints_the_uncovered_night_and_mails_the_members_a_link_without_patient_data(world):
    gap = _cover_all_but_one_night(world)
    out = StringIO()
    call_command("rota", "gaps", "--days", "14", "--base-url", "https://renkei.example.jp", stdout=out)
    text = out.getvalue()
    assert f"{gap.isoformat()} night" in text
    doctors_mail = next(m for m in mail.outbox if world.attending.user.email in m.to)
    assert sorted(doctors_mail.to) == sorted([world.attending.user.email, world.backup.user.email,
                                              world.covering.user.email])
    assert f"https://renkei.example.jp/provision/groups/{world.group.pk}/" in doctors_mail.body
    assert gap.isoformat() in doctors_mail.body
    assert world.patient.name not in doctors_mail.body and world.patient.kana not in doctors_mail.body


@pytest.mark.django_db
def test_a_dry_run_sends_nothing(world):
    out = StringIO()
    call_command("rota", "gaps", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert "dry run" in out.getvalue()


@pytest.mark.django_db
def test_without_a_site_address_the_command_refuses_to_send_links(world, settings):
    settings.RENKEI_BASE_URL = ""
    with pytest.raises(CommandError):
        call_command("rota", "gaps", stdout=StringIO())


@pytest.mark.django_db
def test_group_members_see_a_home_attention_item_about_gaps(world):
    from renkei.core import dashboard

    items = dashboard.attention_for(world.attending)
    assert any(world.group.name in item.text for item in items)
    assert not any(world.group.name in item.text for item in dashboard.attention_for(world.outsider))
