"""E-mails about the timeline: a link to the post and nothing about the patient.

The message says that there is something to read and where; the name, the text and the observations stay
behind the login and the policy (an e-mail is forwarded, printed, read on a shared screen). Sent after the
post's transaction commits, so a refused or rolled-back post never mails anyone, and a mail server failure
never refuses a post.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from renkei.core import policy

from ..models import CareTeamMember, Post

logger = logging.getLogger(__name__)


def people_to_notify(post: Post) -> list[CareTeamMember]:
    """Who gets an e-mail: the members mentioned, and for an urgent post everyone it is addressed to (the
    chosen members, or the whole current team). Never the author; only members the policy lets see the post
    (on the team and covered by the consent), so nobody is sent a link they cannot open."""
    chosen = {m.pk: m for m in post.mentions.select_related("membership__user")}
    if post.urgency == Post.Urgency.URGENT:
        addressed = post.recipients.select_related("membership__user")
        if not addressed.exists():
            addressed = post.patient.care_team.members.select_related("membership__user")
        chosen.update({m.pk: m for m in addressed})
    if post.recipients.exists():  # a message to chosen members is not announced to anyone else
        allowed = set(post.recipients.values_list("pk", flat=True))
        chosen = {pk: m for pk, m in chosen.items() if pk in allowed}
    return [m for pk, m in chosen.items()
            if pk != post.author_id and m.membership_id and m.is_current and m.membership.user.is_active
            and m.membership.user.email and policy.check(m.membership, "careteams.view_post", post)]


def post_notify(*, post: Post, base_url: str = "") -> int:
    """E-mail each person to notify about `post` (one message each: nobody learns who else was told)."""
    base = base_url or getattr(settings, "RENKEI_BASE_URL", "")
    link = base + reverse("careteams:timeline", kwargs={"patient_id": post.patient_id}) + f"#post-{post.pk}"
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"link": link, "is_urgent": post.urgency == Post.Urgency.URGENT,
                   "site_name": getattr(settings, "RENKEI_SITE_NAME", "Renkei")}
        for member in people_to_notify(post):
            context["is_mentioned"] = post.mentions.filter(pk=member.pk).exists()
            subject = " ".join(render_to_string("careteams/email/post_subject.txt", context).split())
            body = render_to_string("careteams/email/post_body.txt", context)
            try:
                send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL,
                          recipient_list=[member.membership.user.email])
            except (OSError, smtplib.SMTPException):
                logger.exception("timeline e-mail for post %s failed", post.pk)
                continue
            sent += 1
    return sent
