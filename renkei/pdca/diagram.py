"""The logic model as a diagram, drawn here as SVG (no JavaScript library): measures → intermediate outcomes →
each scene's 目指す姿 → the overall 目指す姿, one column per tier, Japanese text wrapped to the box width.

The SVG has a fixed width (columns stay readable); the page puts it in a container that scrolls sideways on a
phone, and the print stylesheet scales it to the paper.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .selectors.logic_models import SceneTable

FONT = 12
LINE = 16
PAD = 6
GAP = 6
SCENE_GAP = 18
COLUMNS = {  # x, width
    "measure": (8, 300),
    "outcome": (368, 240),
    "scene": (668, 220),
    "overall": (948, 220),
}
WIDTH = 1176
COLOURS = {"measure": "#eef4fb", "outcome": "#fff4e0", "scene": "#e8f5e9", "overall": "#fde8ef"}


def text_width(text: str) -> float:
    """Width in units of one full-width character (half-width letters and digits count half)."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WFA" else 0.55 for ch in text)


def wrap(text: str, width_px: int, font: int = FONT) -> list[str]:
    """Lines of `text` fitting `width_px` (Japanese breaks anywhere; 、。) stay on the line they end)."""
    limit = (width_px - 2 * PAD) / font
    lines: list[str] = []
    for paragraph in (text or "").splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if text_width(line + ch) > limit and line and ch not in "、。）)」":
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines or [""]


@dataclass
class Box:
    tier: str
    x: int
    y: float
    width: int
    lines: list[str]
    data: str = ""

    @property
    def height(self) -> float:
        return len(self.lines) * LINE + 2 * PAD

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


def _box(tier: str, lines: list[str], y: float, data: str = "") -> Box:
    x, width = COLUMNS[tier]
    return Box(tier, x, y, width, lines, data)


def _centre(tier: str, text: str, top: float, bottom: float, data: str = "") -> Box:
    x, width = COLUMNS[tier]
    lines = wrap(text, width)
    height = len(lines) * LINE + 2 * PAD
    return Box(tier, x, max(top, (top + bottom - height) / 2), width, lines, data)


def logic_model_svg(tables: list[SceneTable], overall_goal: str, *, title: str = "") -> str:
    """The diagram of the scene tables (as `selectors.logic_models.logic_model_tables` gives them)."""
    boxes: list[Box] = []
    links: list[tuple[Box, Box]] = []
    y = 40.0
    scene_boxes: list[Box] = []
    for table in tables:
        if not table.blocks:
            continue
        scene_top = y
        outcome_boxes = []
        for block in table.blocks:
            block_top = y
            measure_boxes = []
            for placement in block.placements:
                text = ("(再)" if placement.is_repeat else "") + (placement.text_override or placement.measure.text)
                box = _box("measure", wrap(f"{placement.number}. {text}", COLUMNS["measure"][1]), y,
                           data=placement.measure.key)
                measure_boxes.append(box)
                y += box.height + GAP
            outcome = _centre("outcome", block.outcome.text, block_top, y - GAP, data=block.outcome.key)
            y = max(y, outcome.y + outcome.height + GAP)
            boxes += measure_boxes + [outcome]
            links += [(m, outcome) for m in measure_boxes]
            outcome_boxes.append(outcome)
        goal_text = f"【{table.label}】" + (f"\n{table.goal.text}" if table.goal else "")
        scene = _centre("scene", goal_text, scene_top, y - GAP, data=table.scene)
        y = max(y, scene.y + scene.height + GAP) + SCENE_GAP
        boxes.append(scene)
        links += [(o, scene) for o in outcome_boxes]
        scene_boxes.append(scene)
    bottom = max(y - SCENE_GAP, 80.0)
    overall = _centre("overall", overall_goal or "目指す姿（未設定）", 40, bottom, data="overall")
    boxes.append(overall)
    links += [(s, overall) for s in scene_boxes]
    height = int(max(bottom, overall.y + overall.height) + 16)
    return _render(boxes, links, height, title)


HEADINGS = (("measure", "具体的な施策"), ("outcome", "取り組みの方向性（中間アウトカム）"),
            ("scene", "場面ごとの目指す姿"), ("overall", "目指す姿"))


def _render(boxes: list[Box], links: list[tuple[Box, Box]], height: int, title: str) -> str:
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="logic-model-diagram" width="{WIDTH}" '
           f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="diagram-title" '
           f'font-family="sans-serif" font-size="{FONT}">',
           f'<title id="diagram-title">{escape(title or "ロジックモデル")}</title>']
    for tier, heading in HEADINGS:
        x, width = COLUMNS[tier]
        out.append(f'<text x="{x + width / 2:.0f}" y="22" text-anchor="middle" font-weight="bold">'
                   f'{escape(heading)}</text>')
    for start, end in links:
        x1, x2 = start.x + start.width, end.x
        mid = (x1 + x2) / 2
        out.append(f'<path d="M{x1},{start.middle:.1f} C{mid},{start.middle:.1f} {mid},{end.middle:.1f} '
                   f'{x2},{end.middle:.1f}" fill="none" stroke="#7a8a99" stroke-width="1"/>')
    for box in boxes:
        out.append(f'<g class="box box-{box.tier}" data-key="{escape(box.data, {chr(34): "&quot;"})}">'
                   f'<rect x="{box.x}" y="{box.y:.1f}" width="{box.width}" height="{box.height:.1f}" rx="4" '
                   f'fill="{COLOURS[box.tier]}" stroke="#44546a" stroke-width="1"/>')
        out.append(f'<text x="{box.x + PAD}" y="{box.y + PAD:.1f}">')
        for line in box.lines:
            out.append(f'<tspan x="{box.x + PAD}" dy="{LINE}">{escape(line)}</tspan>')
        out.append("</text></g>")
    out.append("</svg>")
    return "\n".join(out)
