"""退院困難な要因: the screening checklist (入退院支援加算1・2, research A1.4), keys stored in
`Handoff.difficulty_factors`.

The list follows the 中医協 R6 survey's reasons, with the R4 and R6 additions (ヤングケアラー, 特別なコミュニケーション
支援) and 身寄りなし / キーパーソン不在, the most common cause of delayed discharge in 2025 (73.4 %).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DIFFICULTY_FACTORS: tuple[tuple[str, object], ...] = (
    ("cancer", _("malignant tumour (悪性腫瘍)")),
    ("dementia", _("dementia (認知症)")),
    ("aspiration_pneumonia", _("aspiration pneumonia or similar (誤嚥性肺炎等)")),
    ("emergency_admission", _("emergency admission (緊急入院)")),
    ("certification_pending", _("care need certification not applied for or pending (要介護認定が未申請)")),
    ("communication_support", _("needs special communication support (特別なコミュニケーション支援)")),
    ("mental_illness", _("mental illness (精神疾患)")),
    ("abuse", _("abuse or suspected abuse (虐待又は虐待の疑い)")),
    ("poverty", _("financial hardship (生活困窮)")),
    ("adl_decline", _("decline in activities of daily living (ADL低下)")),
    ("excretion_help", _("needs help with excretion (排泄に介助)")),
    ("care_capacity", _("not enough care at home (介護力不足)")),
    ("medical_procedures", _("medical procedures continue at home (医療処置の継続)")),
    ("malnutrition", _("malnutrition (低栄養)")),
    ("young_carer", _("young carer and their family (ヤングケアラー)")),
    ("no_relatives", _("no relatives (身寄りなし)")),
    ("no_key_person", _("no key person (キーパーソン不在)")),
    ("other", _("other")),
)
FACTOR_KEYS = frozenset(key for key, _label in DIFFICULTY_FACTORS)


def factor_labels(keys) -> list[str]:
    labels = dict(DIFFICULTY_FACTORS)
    return [str(labels.get(key, key)) for key in keys]
