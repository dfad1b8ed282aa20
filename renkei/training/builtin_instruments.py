"""The built-in survey instrument: a short collaboration self-assessment to use before and after training.

Its items are Renkei's own wording, written along the domains of the 顔の見える関係評価尺度 (森田達也・野末よし子ら,
緩和ケア普及のための地域プロジェクト OPTIM, 2012) and the 医療介護福祉の地域連携尺度 (福井小紀子ら): knowing other
professions' roles, knowing people by name and face, being able to ask, knowing the ways of working together in each
scene, knowing the local resources. It is not the validated scale itself: a municipality that uses the published
scale enters its items as its own instrument (with the authors' permission where required).
"""

from __future__ import annotations

SCALE = {"scale_min": 1, "scale_max": 4, "low_label": "そう思わない", "high_label": "そう思う"}

BUILTIN_INSTRUMENTS = [
    {
        "code": "renkei-collaboration-short",
        "name": "連携の自己評価（Renkei 短縮版）",
        "description": ("在宅医療・介護の多職種連携について、研修の前と後に同じ9問（4段階）と自由記述1問に答えます。"
                        "前後の両方に答えた人だけで効果を計算します。"),
        "source": ("Renkei の設問。顔の見える関係評価尺度（森田達也ら 2012, OPTIM）と医療介護福祉の地域連携尺度"
                   "（福井小紀子ら）の領域に沿って作成。検証済みの尺度そのものではありません。"),
        "items": [
            ("他の職種の役割や仕事の内容がわかる", "他職種の役割の理解"),
            ("地域の医療・介護の関係者の名前と顔がわかる", "顔の見える関係"),
            ("地域の関係者の考え方や人柄がわかる", "顔の見える関係"),
            ("他の事業所の関係者に気軽に相談できる", "相談できる関係"),
            ("入退院の際に病院とケアマネジャーが連絡を取り合う方法を知っている", "入退院支援"),
            ("急変時の連絡先と対応の流れを知っている", "急変時の対応"),
            ("在宅での看取りに関わる職種それぞれの役割を説明できる", "看取り"),
            ("地域の在宅医療・介護の資源（訪問診療・訪問看護など）を具体的に知っている", "地域の資源"),
            ("多職種で話し合う機会がある", "話し合う機会"),
        ],
        "text_items": ["研修で学んだこと、これから取り組みたいこと"],
    },
]


def seed_instruments(instrument_model, item_model) -> int:
    """Create the missing built-in instruments (by code) with their items. Returns how many were created."""
    created = 0
    for spec in BUILTIN_INSTRUMENTS:
        instrument, was_created = instrument_model.objects.get_or_create(
            municipality=None, code=spec["code"],
            defaults={"name": spec["name"], "description": spec["description"], "source": spec["source"]})
        if not was_created:
            continue
        created += 1
        order = 0
        for order, (text, subscale) in enumerate(spec["items"], start=1):
            item_model.objects.create(instrument=instrument, order=order * 10, text=text, kind="likert",
                                      subscale=subscale, **SCALE)
        for extra, text in enumerate(spec["text_items"], start=order + 1):
            item_model.objects.create(instrument=instrument, order=extra * 10, text=text, kind="text")
    return created
