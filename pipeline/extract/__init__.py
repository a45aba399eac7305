"""Extract stage: metadata, tasks with agencies and deadlines, and metrics from a document's text.

    from pipeline.extract import Extractor
    extractor = Extractor()          # builds the spaCy pipeline once (~0.2 s)
    extractor.extract(document)      # fills document.metadata, .tasks, .metrics
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..model import Agency, Deadline, Document, Metric, Task
from ..provenance import Locator
from .agencies import AgencyRules, clause_start
from .layout import MARKER, MARKER_RE, flowed, paragraphs
from .lexicon import LOWER, Lexicon, load_lexicon, normalize_text, words_pattern
from .nlp import MODEL_DIR, TASK_LABEL, build_nlp
from .structure import Structure, StructureParser, Unit, titles_a_part
from .task_tables import TaskTableParser

__all__ = ["Extractor", "classifier_text"]

TASK_THRESHOLD = 0.5
# where the rules are unsure, the classifier's share of the task score, chosen by cross-validation on the dev split
# (python -m pipeline.extract.train --folds 5): on clean text a third did best, on restored legacy OCR a half and
# more (the rules miss more there); a half costs clean text least
CLASSIFIER_WEIGHT = 0.5
HEADING_MAX_CHARS = 120  # an item naming only agencies, this short, heads the paragraphs below it
AGENCY_SHARE = 0.6  # ... when its agency names cover this share of its text
# the subject's work reported as done: "… đã chủ động …", "… cũng đã …"; "đã được giao" is a remit
_PAST_REPORT_RE = re.compile(r"(?i)(?:cũng\s+|đều\s+)?đã\s+(?!được\s+(?:giao|phân\s+công)(?!\w))")
_REMIT_RE = re.compile(r"(?i)(?<!\w)được\s+(?:giao|phân\s+công)(?!\w)")  # "theo chức năng, nhiệm vụ được giao"
# a paragraph that announces the items below it: "… yêu cầu: ", "… thực hiện các nhiệm vụ sau đây."
_LIST_INTRO_END_RE = re.compile(r"(?i)(?::|(?<!\w)sau(?:\s+đây)?\s*\.)\s*$")


@dataclass
class _Analysed:
    unit: Unit
    agencies: list[Agency]
    deadlines: list[Deadline]
    figures: list
    task_score: float
    attribute: str | None = None


@dataclass
class Analysis:
    """One rule pass over a document's body: what the task decisions and the classifier's training read."""
    text: str
    paragraphs: list
    structure: Structure
    units: list[_Analysed]
    field_lines: dict[int, list[int]]


def classifier_text(analysed: _Analysed, units: list[Unit]) -> str:
    """What the task classifier reads: what the rules saw, as marker words (the kind of item, the rules' score, a
    lead agency, a deadline), then the paragraph, its head and its section."""
    unit = analysed.unit
    hints = [f"xxkind{unit.kind}", f"xxrule{round(analysed.task_score * 10)}"]
    hints += ["xxlead"] if any(a.role == "lead" for a in analysed.agencies) else []
    hints += ["xxdeadline"] if analysed.deadlines else []
    hints += ["xxparent"] if unit.children else []
    head = units[unit.parent].text[:150] if unit.parent is not None else ""
    # agency names as their role: the words of a name ("Đài Truyền hình Việt Nam") are no evidence either way, and
    # a classifier that learns them learns the dev documents' bodies instead of how an order is phrased
    text = _masked(unit, analysed.agencies, lambda ag: f" xx{ag.role} ")
    return flowed(f"{' '.join(hints)} ¦ {text[:400]} ¦ {head} ¦ {unit.section[:100]}")


def _masked(unit: Unit, agencies: list[Agency], fill) -> str:
    """The unit's text with each agency mention replaced by ``fill(agency)``."""
    text = unit.text
    for ag in sorted(agencies, key=lambda a: a.start, reverse=True):
        a, b = ag.start - unit.start, ag.end - unit.start
        if 0 <= a < b <= len(text):
            text = text[:a] + fill(ag) + text[b:]
    return text


class Extractor:
    def __init__(self, classifier_dir: Path | None = MODEL_DIR, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or load_lexicon()
        self.nlp = build_nlp(self.lexicon, classifier_dir)
        self.classifier = "textcat" in self.nlp.pipe_names
        self.structure = StructureParser(self.lexicon)
        self.task_tables = TaskTableParser(self.lexicon)
        self.agencies = AgencyRules(self.lexicon)
        s = self.lexicon.structure
        orders = words_pattern(s["order_openers"])
        self.strong_cue = re.compile(rf"(?i)^(?:\W|\d|[a-zđ]\))*(?:{orders})\b|\bchủ trì,?\s+phối hợp")
        # the same order opening a later clause: "Ghi nhận kết quả đạt được; đề nghị Bộ Công Thương tiếp tục …"
        self.order_clause = re.compile(rf"(?i)[.;:]\s+(?:{orders})\s+(?!của\b)")
        cues = words_pattern(s["directive_cues"])
        # an obligation on what follows: "Các địa phương đã được phân bổ vốn cần khẩn trương giải ngân"
        self.obligation_re = re.compile(rf"(?i)(?<!\w)(?:{words_pattern(s['obligation_words'])})\s+(?:{cues})(?!\w)")
        self.cue_re = re.compile(rf"(?i)(?<!\w)(?:{cues})(?!\w)")
        self.opening_verb_re = re.compile(rf"(?i)(?:{words_pattern(s['opening_verbs'])})(?!\w)")
        # the copula in the first sentence's opening: "Kinh phí là điều kiện thực thi, …", "Bảo đảm an toàn, an ninh
        # mạng là điều kiện tiên quyết …"
        not_copula = "".join(rf"(?<!\s{re.escape(w)}\s)" for w in s["copula_lookalikes"])  # "nhất là"
        self.statement_re = re.compile(
            rf"(?i)^(?:[^;:.]{{2,80}}?\s{not_copula}(?:{words_pattern(s['statement_copulas'])})"
            rf"|(?:{words_pattern(s['statement_subjects'])}))(?!\w)")
        self.passive_re = re.compile(r"(?i)^(?:(?!(?:phải|cần)\s)[^,;:.]){2,60}?\sđược(?!\w)(?!\s+(?:giao|phân\s+công)(?!\w))")
        self.appraisal_re = re.compile(rf"(?i)(?:{words_pattern(s['appraisal_openers'])})(?!\w)")
        self.topic_re = re.compile(rf"(?i)(?:{words_pattern(s['proposal_topics'])})(?!\w)[^:]{{0,300}}:\s*")
        self.approval_re = re.compile(rf"(?i)(?:{words_pattern(s['approval_openers'])})(?!\w)")
        self.retrospective_re = re.compile(
            rf"(?i)(?:{words_pattern(s['retrospective_openers'])})(?!\w)"
            rf"|(?:{words_pattern(s['retrospective_spans'])})\s+(?:\w+\s+)?\d+\s+"
            rf"(?:{words_pattern(s['retrospective_span_units'])})(?!\w)")
        self.situation_re = re.compile(rf"(?i)^[^;:.]{{0,100}}?(?<!\w)(?:{words_pattern(s['situation_predicates'])})(?!\w)")
        # an order given, not one referred to ("theo đề nghị của Bộ …", "yêu cầu tại Văn bản …")
        # … nor a word of a compound ("bàn giao mặt bằng", "giao thông")
        compounds = s["order_word_compounds"]
        after = "".join(f"(?<!{re.escape(c.rsplit(' ', 1)[0])} )" for c in compounds if c.split()[-1] in s["order_words"])
        before = words_pattern([c for c in compounds if c.split()[0] in s["order_words"]])
        self.order_re = re.compile(rf"(?i)(?<!\w)(?<!theo ){after}(?!(?:{before})(?!\w))"
                                   rf"(?:{words_pattern(s['order_words'])})(?!\w)(?!\s+(?:của|tại)\b)")
        self.past_re = re.compile(rf"(?i)(?<!\w)(?:{words_pattern(s['assessment_cues'])})(?!\w)")
        self.assessment_heading = re.compile(rf"(?i)(?:{words_pattern(s['assessment_headings'])})")
        self.directive_heading = re.compile(rf"(?i)(?:{words_pattern(s['directive_headings'])})")
        self.urgent_re = re.compile(rf"(?i)(?:{words_pattern(s['urgent_openers'])})(?!\w)")
        marker = rf"^\s*(?:{MARKER})?\s*"
        self.report_section = re.compile(rf"(?i){marker}(?:về\s+)?(?:{words_pattern(s['report_sections'])})(?!\w)")
        self.frame_section = re.compile(rf"(?i){marker}(?:về\s+)?(?:{words_pattern(s['frame_sections'])})(?!\w)")
        # "1. Đối với các bộ, ngành:", "Về giải ngân vốn, Bộ Tài chính:", agencies masked as "§"
        self.addressed_head_re = re.compile(rf"(?i)^(?:(?:{words_pattern(s['addressed_heads'])})\s+|về\s[^,:;§]*,\s*)"
                                            rf"(?:§\s*(?:,|và)?\s*)+:?$")
        self.assigning_head = re.compile(rf"(?i)(?<!\w)(?:{words_pattern(s['assigning_head_cues'])})(?!\w)")
        self.purpose_heading = re.compile(rf"(?i){marker}(?:{words_pattern(s['purpose_headings'])})")
        qualifiers = rf"(?:\s+(?:{words_pattern(s['attribute_qualifiers'])}))*"
        # a deadline line may go without its colon: "Thời gian hoàn thành trước ngày 31 tháng 12 năm 2025."
        when = rf"\s+(?:{words_pattern(self.lexicon.temporal['by'] + self.lexicon.temporal['within'])})(?:\s+(?:ngày|tháng|quý|năm))?\s+\d"
        self.attribute_res = {
            kind: re.compile(rf"(?i){marker}(?:{words_pattern(labels)}){qualifiers}"
                             rf"(?:\s*:{f'|(?={when})' if kind == 'deadline' else ''})")
            for kind, labels in s["attribute_labels"].items()
        }
        # what opens a field's value that names no body: "Cơ quan chủ trì: Theo chức năng, nhiệm vụ được giao"
        not_names = self.lexicon.agencies["function_words"] + self.lexicon.agencies["fronted_clauses"]
        self.field_value_not_name_re = re.compile(rf"(?i)(?:{words_pattern(not_names)})(?!\w)")
        self.task_label_re = re.compile(rf"(?i){marker}(?:{words_pattern(s['task_labels'])})\s*:\s*")
        self.closing_re = re.compile(rf"(?i)(?:{words_pattern(s['closing_formulas'])})")
        self.difficulty_re = re.compile(rf"(?i)(?<!\w)(?:{words_pattern(s['difficulty_clauses'])})")
        labels = words_pattern(s["addressee_labels"])
        self.addressee_re = re.compile(rf"(?i)^\s*(?:{labels})\s*:|(?<!\w)(?:{labels})\s*:\s*$")

    def attribute(self, unit: Unit) -> str | None:
        """lead | cooperate | deadline | other for a field line of a plan item, else None."""
        return next((kind for kind, regex in self.attribute_res.items() if regex.match(unit.text)), None)

    def extract(self, doc: Document) -> None:
        a = self.analyse(doc)
        doc.metadata = {k: v for k, v in a.structure.metadata.items() if v}
        locator = Locator(doc)
        doc.tasks = self._tasks(doc.doc_id, a.structure, a.units, a.field_lines, locator)
        figures = [(u.unit.start, f) for u in a.units for f in u.figures]
        figures += self._appendix_figures(a.text, a.paragraphs, a.structure)
        doc.metrics = self._metrics(doc.doc_id, figures, doc.tasks, locator)

    def analyse(self, doc: Document) -> Analysis:
        text = normalize_text(doc.text)
        if len(text) != len(doc.text):  # normalisation only swaps characters; keep spans valid
            text = doc.text
        paras = paragraphs(doc)
        st = self.structure.parse(text, paras)
        places = self.agencies.places(text, st.metadata.get("place"))
        attributes = [self.attribute(u) for u in st.units]
        field_lines = self._field_lines(st.units, attributes)
        for row in self.task_tables.rows(text, st.body_end):
            # an appendix table's row: its task cell, whose field lines are the row's agency and deadline cells
            first_cell = len(st.units) + len(row.tasks)
            cells = list(range(first_cell, first_cell + len(row.fields)))
            for unit in row.tasks:
                field_lines[len(st.units)] = cells
                st.units.append(unit)
                attributes.append(None)
            for unit, kind in row.fields:
                st.units.append(unit)
                attributes.append(kind)
        return Analysis(text, paras, st, self._analyse(text, st, places, attributes, field_lines), field_lines)

    # --- one spaCy pass over the body's paragraphs -------------------------------------------
    def _analyse(self, text: str, st: Structure, places: dict[str, str], attributes: list[str | None],
                 field_lines: dict[int, list[int]]) -> list[_Analysed]:
        docs = []
        # the first numbered item: before it come the addressees ("Thủ tướng Chính phủ điện:" / "- Bộ trưởng …") and
        # the preamble
        first_item = next((u.start for u in st.units if u.kind in ("roman", "number")),
                          next((u.start for u in st.units if u.kind != "plain"), None))
        addressees = self._addressees(st.units, first_item)
        for unit, attr in zip(st.units, attributes):
            d = self.nlp.make_doc(flowed(unit.text))
            d.user_data["doc_date"] = st.doc_date
            if attr == "deadline":
                d.user_data["bare_kind"] = "by"
            docs.append(d)
        out: list[_Analysed] = []
        for unit, attr, d in zip(st.units, attributes, self.nlp.pipe(docs)):
            # the agencies of a field line take the line's role: "- Đơn vị phối hợp: Sở A, Sở B", unless the line
            # says otherwise ("- Cơ quan thực hiện: Sở A chủ trì, phối hợp với Sở B")
            forced = attr if attr in ("lead", "cooperate") else None
            agencies = [
                Agency(name=ent._.canonical or self.agencies.canonical(ent.text, places), text=ent.text,
                       role=(ent._.role if forced == "lead" and ent._.role in ("cooperate", "report_to")
                             else forced or ent._.role or "other"), start=unit.start + ent.start_char,
                       end=unit.start + ent.end_char)
                for ent in d.ents if ent.label_ == "AGENCY"
            ]
            # a bare "Tỉnh" the document does not name is no one body
            agencies = [ag for ag in agencies if ag.name not in self.agencies.admin_units]
            agencies = self.agencies.without_back_references(unit.text, unit.start,
                                                             self.agencies.plural_committees(agencies))
            agencies = self._whole_actor(unit, agencies, places)
            if unit.children and agencies:
                agencies = self._addressed(unit, agencies)
            if attr == "lead" and not agencies:
                agencies = self._named_by_field(unit, places)
            deadlines = []
            for span in d.spans.get("deadlines", []):
                dl: Deadline = span._.deadline
                deadlines.append(Deadline(dl.text, dl.kind, dl.start, dl.end, dl.granularity,
                                          unit.start + dl.span_start, unit.start + dl.span_end))
            figures = [span._.figure for span in d.spans.get("metrics", [])]
            fielded = self._has_fields(unit, st.units, attributes, field_lines, len(out))
            # the item's parent names who acts ("I. CÁC CƠ QUAN THUỘC CHÍNH PHỦ", "1. Sở Tài chính:")
            addressed = unit.parent is not None and unit.parent < len(out) \
                and any(a.role == "lead" for a in out[unit.parent].agencies)
            score = 0.0 if attr or len(out) in addressees else \
                self._task_score(len(out), st.units, agencies, first_item, fielded, bool(deadlines), addressed)
            out.append(_Analysed(unit, agencies, deadlines, figures, score, attr))
        if self.classifier:
            texts = [classifier_text(a, st.units) for a in out]
            textcat = self.nlp.get_pipe("textcat")
            for a, cdoc in zip(out, textcat.pipe(self.nlp.make_doc(t) for t in texts)):
                if a.task_score not in (0.0, 1.0):
                    # the hard rules stand; elsewhere the rule estimate and the classifier vote
                    a.task_score = (1 - CLASSIFIER_WEIGHT) * a.task_score + CLASSIFIER_WEIGHT * cdoc.cats.get(TASK_LABEL, 0.0)
        return out

    def _whole_actor(self, unit: Unit, agencies: list[Agency], places: dict[str, str]) -> list[Agency]:
        """The last agency of an item that only names its actors, taken to the end of the name as written."""
        marker = MARKER_RE.match(unit.text)
        body_start = marker.end() if marker else 0
        mentions = [(ag.start - unit.start, ag.end - unit.start) for ag in agencies]
        found = self.agencies.actor_phrase_end(unit.text, body_start, mentions)
        out = list(agencies)
        if found:
            k, end = found
            written = unit.text[agencies[k].start - unit.start:end]
            out[k] = replace(agencies[k], text=written, name=self.agencies.canonical(written, places),
                             end=unit.start + end)
            return out
        for k, end in self.agencies.subject_phrase_ends(unit.text, body_start, mentions).items():
            # the qualifier joins the name as recognised ("Bí thư các tỉnh ủy, thành ủy" is "các tỉnh ủy, thành ủy")
            tail = unit.text[agencies[k].end - unit.start:end]
            out[k] = replace(agencies[k], text=agencies[k].text + tail,
                             name=self.agencies.canonical(agencies[k].name + tail, places), end=unit.start + end)
        return out

    def _addressed(self, unit: Unit, agencies: list[Agency]) -> list[Agency]:
        """The agencies of a head that names whom its items address ("1. Đối với các bộ, ngành, địa phương:"), as
        leads: the items under it inherit them."""
        masked = _masked(unit, agencies, lambda ag: "§")
        if not self.addressed_head_re.match(MARKER_RE.sub("", masked, count=1).strip()):
            return agencies
        return [replace(ag, role="lead") if ag.role == "other" else ag for ag in agencies]

    def _named_by_field(self, unit: Unit, places: dict[str, str]) -> list[Agency]:
        """A lead field whose agencies the patterns do not know ("Cơ quan chủ trì: Hiệp hội Doanh nghiệp", a table's
        "Viện Lúa đồng bằng sông Cửu Long" cell) still names them: one per part between semicolons."""
        label = self.attribute_res["lead"].match(unit.text)
        value_start = label.end() if label else 0
        out = []
        for m in re.finditer(r"[^;]+", unit.text[value_start:]):
            written = m.group(0).strip(" \t\n.,")
            if len(written) < 3 or not written[:1].isupper() or self.field_value_not_name_re.match(written):
                continue
            start = unit.start + value_start + m.start() + m.group(0).index(written)
            out.append(Agency(name=self.agencies.canonical(written, places), text=written, role="lead",
                              start=start, end=start + len(written)))
        return out

    def _addressees(self, units: list[Unit], first_item: int | None) -> set[int]:
        """The addressee list before the first item: "Kính gửi:" or "BỘ XÂY DỰNG điện:" and the dashes under it."""
        out: set[int] = set()
        for k, unit in enumerate(units):
            if first_item is not None and unit.start >= first_item:
                break
            if self.addressee_re.search(unit.text.strip()):
                out.add(k)
            elif out and k - 1 in out and unit.kind in ("dash", "plus"):
                out.add(k)
        return out

    def _field_lines(self, units: list[Unit], attributes: list[str | None]) -> dict[int, list[int]]:
        """The item each field line describes: its parent ("a) Nghị định …" over "- Cơ quan chủ trì: …"), or the
        sibling item right before its run of field lines ("- Tổ chức tập huấn …" / "Đơn vị chủ trì: …" /
        "Thời gian thực hiện: …", the field lines not indented under it)."""
        owners: dict[int, list[int]] = {}
        for k, attr in enumerate(attributes):
            if attr is None:
                continue
            parent = units[k].parent
            siblings = units[parent].children if parent is not None else \
                [i for i, u in enumerate(units) if u.parent is None]
            before = [i for i in siblings if i < k]
            while before and attributes[before[-1]] is not None:
                before.pop()
            owner = before[-1] if before and not self.task_label_re.match(units[before[-1]].text) else parent
            if owner is not None:
                owners.setdefault(owner, []).append(k)
        return owners

    def _has_fields(self, unit: Unit, units: list[Unit], attributes: list[str | None],
                    field_lines: dict[int, list[int]], index: int) -> bool:
        """A plan row: the item's own lines give its lead or deadline ("a) Nghị định …" over "- Cơ quan chủ trì: …"),
        and every line below it is a field line."""
        kinds = {attributes[c] for c in field_lines.get(index, [])}
        if not (kinds & {"lead", "deadline"} and all(attributes[c] is not None for c in unit.children)):
            return False
        # a time alone may be a topic's ("1.1.1. Đối với vùng nuôi tôm nước lợ" / "a. Thời gian thực hiện: Từ tháng 3
        # …"): with no lead field the item must read as work to do
        opening = MARKER_RE.sub("", unit.text, count=1).lstrip()
        return "lead" in kinds or bool(self.opening_verb_re.match(opening) or self.cue_re.search(opening))

    def _task_score(self, index: int, units: list[Unit], agencies: list[Agency], first_item: int | None,
                    has_fields: bool = False, has_deadline: bool = False, addressed: bool = False) -> float:
        """1 or 0 where a rule is sure for ``units[index]``; otherwise a rule estimate, averaged with the classifier's
        probability."""
        unit = units[index]
        body = self.task_label_re.sub("", unit.text, count=1)
        if unit.is_head or unit.kind == "roman" or len(body) < 15 or body.rstrip().endswith(":"):
            return 0.0
        if re.fullmatch(r"\s*[“\"«][^“”\"«»]*[”\"»]\W*", body):
            return 0.0  # a quoted slogan or theme ("“Lập thành tích chào mừng …”.") orders nothing
        if re.fullmatch(r"\s*\([^()]*\)\W*", body):
            return 0.0  # a note in brackets ("(Kèm theo Phụ lục danh mục các nhiệm vụ …).") points, orders nothing
        if has_fields and not self.purpose_heading.match(unit.section):
            return 1.0
        # cue words inside names ("Sở Xây dựng") do not count
        masked = _masked(unit, agencies, lambda ag: " " * (ag.end - ag.start))
        opening = MARKER_RE.sub("", body, count=1).lstrip()
        opens_with_verb = bool(self.opening_verb_re.match(opening))
        after_subject = self._after_subject(unit, opening, agencies)
        parent = units[unit.parent] if unit.parent is not None else None
        # a bullet under "(4) Chỉ đạo … thực hiện đồng bộ các giải pháp …:" is an order in whatever verb it opens with
        ordered = parent is not None and parent.is_head and self._assigns(parent.text)
        if not (opens_with_verb or self.cue_re.search(masked) or self._subject_acts(after_subject, opening) or ordered):
            return 0.0
        # the answer to a proposal follows its topic: "3. Về đề xuất của Ủy ban nhân dân tỉnh …: Ghi nhận …"
        topic = self.topic_re.match(opening)
        answer = opening[topic.end():] if topic else opening
        spoken = self._after_speaker(unit, answer, agencies)
        answer_masked = masked[len(masked) - len(answer):]
        if self.appraisal_re.match(spoken) and not self.order_re.search(answer_masked):
            return 0.0  # "Đánh giá cao Bộ A, các địa phương đã chủ động triển khai …": the issuer appraises
        if self.approval_re.match(spoken) and not self.order_re.search(answer_masked) \
                and not any(a.role == "lead" and a.end > unit.end - len(answer) for a in agencies):
            return 0.0  # "Đồng ý chủ trương đầu tư … theo đề xuất của tỉnh": the issuer approves, nobody is to act
        if (self.retrospective_re.match(opening) or not opens_with_verb and not self.cue_re.match(opening)
                and self.situation_re.match(opening)) \
                and not self.order_re.search(masked) and not any(a.role == "lead" for a in agencies):
            return 0.0  # background: "Qua 5 năm thực hiện …", "Bối cảnh thế giới tiếp tục diễn biến phức tạp"
        if self.difficulty_re.search(body) and not self.purpose_heading.match(unit.section):
            return 1.0  # "…, nếu có khó khăn, vướng mắc, các cơ quan kịp thời báo cáo …": an order to report
        # the closing sentence ("… nghiêm túc thực hiện./."); a numbered item under "Tổ chức thực hiện" still assigns
        if self.closing_re.search(body) and unit.kind == "plain":
            return 0.0
        if self.purpose_heading.match(unit.section) and not self.strong_cue.search(body):
            return 0.0
        if len(body) < 60 and not re.search(r"[.;]\s*$", body):
            return 0.0  # a heading
        reporting, assessing = self._report_section(unit), bool(self.assessment_heading.search(unit.section[:120]))
        assigned = (reporting or assessing) and self._under_assigning_head(index, units)
        # only an outright order counts there: a view "phải bảo đảm …" or "lãnh đạo, chỉ đạo …" orders nobody
        if reporting and not assigned and not self.strong_cue.search(body) \
                and not self.order_clause.search(body) and not any(a.role == "lead" for a in agencies):
            return 0.0  # "I. QUAN ĐIỂM / 3. Phát triển hạ tầng số …", "I. TÌNH HÌNH … / - Sản xuất công nghiệp …"
        if assessing and not assigned and not self.strong_cue.search(body):
            return 0.2
        if parent is not None and parent.is_head and self.assessment_heading.search(parent.text[:120]) \
                and not self.directive_heading.search(parent.text + " " + unit.section[:120]) \
                and not self.strong_cue.search(body) and not self.order_re.search(masked):
            return 0.2  # the bullets of "1. Về kết quả thực hiện:" assess, outside a section of tasks
        if unit.children and (len(body) < 100 or not body.rstrip().endswith((".", ";"))):
            return 0.0  # a heading ("2. Về các nền tảng số") or an item whose parts are the tasks
        if self.strong_cue.search(body) or self.urgent_re.match(opening):
            return 1.0
        if unit.kind == "plain" and first_item is not None and unit.start < first_item:
            return 0.0  # the opening, before the first item: background and preamble
        if after_subject is not None and _PAST_REPORT_RE.match(after_subject) and not self.order_re.search(masked):
            return 0.0  # "Bộ Xây dựng đã chủ động phối hợp …": what the subject did, reported; nobody is told to act
        context = " ".join(units[i].text[:150] for i in _ancestors(unit, units))
        score = 0.5
        if self.assessment_heading.search(unit.section[:120]) and not self.directive_heading.search(unit.section[:120]):
            score -= 0.3
        if self.directive_heading.search(context):
            score += 0.2
        if parent is not None and (parent.is_head and self.assigning_head.search(parent.text) or addressed):
            score += 0.1
        first = body[:80]
        if opens_with_verb or self.cue_re.search(first):
            score += 0.15
        if any(a.role == "lead" for a in agencies):
            score += 0.1
        if after_subject is not None and self.cue_re.match(after_subject):
            score += 0.1  # the order's own form: its bodies, then what they are to do ("Các Tổ công tác … tăng cường …")
        if has_deadline:  # a time limit is set on what someone must do, not on a report of results
            score += 0.1
        if self.order_clause.search(body) or self.obligation_re.search(masked):
            score += 0.2
        # an imperative opening ("Khẩn trương rà soát … chưa được chuẩn hóa") is no report of the past
        # "theo chức năng, nhiệm vụ được giao": the formula of a remit, no report of the past
        if self.past_re.search(_REMIT_RE.sub("", first)) and not self.cue_re.match(opening):
            score -= 0.25
        statement = self.statement_re.match(opening) or (
            None if opens_with_verb or self.cue_re.match(opening) else self.passive_re.match(opening))
        if statement and not self.strong_cue.search(statement.group()) and not any(a.role == "lead" for a in agencies):
            score -= 0.3
        return min(0.99, max(0.01, score))

    def _report_section(self, unit: Unit) -> bool:
        """The unit lies in a section that reports, forecasts or frames the plan."""
        section = unit.section[:200]
        return bool(self.report_section.match(section)
                    or self.frame_section.match(section) and not self.directive_heading.search(section))

    def _under_assigning_head(self, index: int, units: list[Unit]) -> bool:
        """A head inside the section of ``units[index]`` assigns the items under it."""
        unit = units[index]
        heads = [units[i].text for i in _ancestors(unit, units) if units[i].kind != "roman"]
        # a paragraph that introduces the run of bullets it stands before ("Căn cứ tình hình thực tế, các cơ quan phối
        # hợp thực hiện các hoạt động sau:" / "- Lồng ghép …") heads them as well, though not their parent
        k = index
        while k > 0 and units[k - 1].parent == unit.parent and units[k - 1].kind == unit.kind:
            k -= 1
        if k > 0 and units[k - 1].parent == unit.parent and units[k - 1].text.rstrip().endswith(":"):
            heads.append(units[k - 1].text)
        return any(self._assigns(h) for h in heads)

    def _assigns(self, head: str) -> bool:
        """A head that names tasks at its opening ("2. Các giải pháp tổ chức thực hiện …"; not "b) Cơ quan nhà nước
        quản lý, chỉ đạo, điều hành …", a goal) or before its colon ("… thực hiện các hoạt động sau:"), or says who
        is to act."""
        words = MARKER_RE.sub("", head, count=1).split()
        return bool(self.directive_heading.search(" ".join(words[:4])) or self.assigning_head.search(head[:150])
                    or head.rstrip().endswith(":") and self.directive_heading.search(" ".join(words[-6:])))

    @staticmethod
    def _after_speaker(unit: Unit, opening: str, agencies: list[Agency]) -> str:
        """The opening without the body that speaks in it ("Thủ tướng Chính phủ biểu dương …" → "biểu dương …"):
        a mention that opens the item."""
        first = min(agencies, key=lambda a: a.start, default=None)
        if first is None or unit.text[len(unit.text) - len(opening):first.start - unit.start].strip():
            return opening
        return unit.text[first.end - unit.start:].lstrip(" ,")

    def _subject_acts(self, rest: str | None, opening: str) -> bool:
        """The item opens with the body that acts, then its verb: "Báo Hà Sơn mở chuyên mục …", "Tỉnh đoàn phát
        động …" (``rest``: the text after that body). Verbs are too many to list as cues; a named subject that no
        assessment word follows is one."""
        return rest is not None and bool(re.match(rf"[{LOWER}]", rest)) and not self.past_re.match(rest) \
            and not self.statement_re.match(opening)

    def _after_subject(self, unit: Unit, opening: str, agencies: list[Agency]) -> str | None:
        """The text after the bodies that open the item as its subject ("Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh sẵn
        sàng …"), None when it opens with none."""
        at = len(unit.text) - len(opening)
        glue = r"(?i)(?:các\s+|những\s+)?"
        subject = False
        for ag in sorted(agencies, key=lambda a: a.start):
            if ag.role != "lead" or not re.fullmatch(glue, unit.text[at:ag.start - unit.start]):
                break
            subject, at = True, ag.end - unit.start
            glue = r"(?i)\s*(?:,|và)\s*(?:các\s+)?"
        return unit.text[at:].lstrip(" ,") if subject else None

    # --- tables' records ---------------------------------------------------------------------
    def _tasks(self, doc_id: str, st: Structure, analysed: list[_Analysed], field_lines: dict[int, list[int]],
               locator: Locator) -> list[Task]:
        tasks: list[Task] = []
        for index, a in enumerate(analysed):
            if a.task_score < TASK_THRESHOLD:
                continue
            unit = a.unit
            agencies = list(a.agencies)
            inherited = False
            if not any(ag.role == "lead" for ag in agencies):
                leads = _inherited_leads(index, st.units, analysed)
                agencies, inherited = leads + agencies, bool(leads)
            elif all((ag.name[:1].islower() or " các " in ag.name) and self._directed(unit, ag)
                     for ag in agencies if ag.role == "lead"):
                # "Chỉ đạo các doanh nghiệp viễn thông …" under "5. Sở Khoa học và Công nghệ", "…; chỉ đạo Ủy ban nhân
                # dân các xã …" under "8. Ủy ban nhân dân các tỉnh: …": the head's agency acts and the unnamed bodies
                # it directs do not lead ("Chỉ đạo Sở Y tế …" makes Sở Y tế the lead)
                leads = _inherited_leads(index, st.units, analysed)
                if leads:
                    agencies = leads + [replace(ag, role="other") if ag.role == "lead" else ag
                                        for ag in agencies]
                    inherited = True
            deadlines = list(a.deadlines) or self._head_deadlines(unit, st.units, analysed)
            fields = self._item_fields(index, st.units, analysed, field_lines)
            if fields is not None:
                leads, others, field_deadlines, own = fields
                # a "Cơ quan thực hiện:" line (the task's own or its item's) names the lead more exactly than the
                # text ("…, các cơ quan, đơn vị tổ chức tuyên truyền" over "- Cơ quan thực hiện: Sở Tư pháp; …")
                # (a field list with no lead, only "Thời gian hoàn thành …", leaves the leads as they are)
                if leads:
                    agencies = leads + [ag for ag in agencies if ag.role != "lead"]
                    inherited = True
                agencies += others
                # "Thời gian thực hiện:" is the item's deadline; a bullet's own date still stands against its item's
                if own or not a.deadlines:
                    deadlines = field_deadlines or deadlines
            page, box = locator.locate(unit.start, unit.end)
            tasks.append(Task(
                task_id=f"{doc_id}-T{len(tasks) + 1:03d}", section=" ".join(unit.section.split())[:120],
                item_path=unit.path, text=unit.text, start=unit.start, end=unit.end, agencies=agencies,
                deadlines=deadlines, lead_inherited=inherited, confidence=round(a.task_score, 3),
                page=page, box=box,
            ))
        return tasks

    def _directed(self, unit: Unit, agency: Agency) -> bool:
        """Whether a "chỉ đạo" in the agency's clause comes before it."""
        start = agency.start - unit.start
        return self.agencies.directs_cue(unit.text, clause_start(unit.text, start), start) is not None

    def _head_deadlines(self, unit: Unit, units: list[Unit], analysed: list[_Analysed]) -> list[Deadline]:
        """The deadline of the nearest head ending with ":" ("…, hoàn thành trong tháng 11 năm 2025, cụ thể:")."""
        for i in _ancestors(unit, units):
            if units[i].is_head:
                return list(analysed[i].deadlines)
        return []

    def _item_fields(self, index: int, units: list[Unit], analysed: list[_Analysed],
                     field_lines: dict[int, list[int]]) -> tuple | None:
        """Lead, other agencies, deadlines from the field lines of the nearest item that has them, and whether that
        item is the task itself.

        The task's own field lines come first ("1. Tổ chức tuyên truyền …" over "- Cơ quan thực hiện: …").
        """
        for i in [index] + _ancestors(units[index], units):
            found = [analysed[c] for c in field_lines.get(i, [])]
            found += [analysed[g] for f in found if f.attribute for g in f.unit.children]
            found = [f for f in found if f.attribute]
            if found:
                leads = [ag for f in found for ag in f.agencies if ag.role == "lead"]
                others = [ag for f in found for ag in f.agencies if ag.role != "lead"]
                deadlines = [d for f in found if f.attribute == "deadline" for d in f.deadlines]
                return leads, others, deadlines, i == index
        return None

    def _appendix_figures(self, text: str, paras: list, st: Structure) -> list[tuple[int, object]]:
        """Figures after the body: appendix tables and footnotes below the signature report results too (those in
        the rows of a task table come with the rows' units, the only units after the body)."""
        rows = [u for u in st.units if u.start >= st.body_end]
        tail = [p for p in paras
                if p.start >= st.body_end and not any(u.start < p.end and p.start < u.end for u in rows)]
        with self.nlp.select_pipes(enable=["ketluan_metrics"]):
            docs = self.nlp.pipe(flowed(text[p.start:p.end]) for p in tail)
            return [(p.start, span._.figure) for p, d in zip(tail, docs) for span in d.spans.get("metrics", [])]

    def _metrics(self, doc_id: str, figures: list[tuple[int, object]], tasks: list[Task],
                 locator: Locator) -> list[Metric]:
        """Metrics from figures found in paragraphs starting at the given offsets."""
        task_of = {t.start: t.task_id for t in tasks}
        metrics: list[Metric] = []
        for offset, f in figures:
            start, end = offset + f.start, offset + f.end
            page, box = locator.locate(start, end)
            metrics.append(Metric(
                metric_id=f"{doc_id}-M{len(metrics) + 1:03d}", text=f.text, value=f.value, total=f.total,
                unit=f.unit, percent=f.percent, subject=f.subject, start=start, end=end, page=page, box=box,
                task_id=task_of.get(offset, ""),
            ))
        return metrics


def _inherited_leads(index: int, units: list[Unit], analysed: list[_Analysed]) -> list[Agency]:
    """The leads a task takes over from above: a head ("1. Bộ Tài chính:"), an item that only names its actors above
    its parts ("1. Bộ trưởng các Bộ, Chủ tịch Ủy ban nhân dân các tỉnh" over a), b), c)), an item that is a task
    itself and whose bullets go on with the same actor's work, or a heading naming only agencies."""
    for i in _ancestors(units[index], units):
        leads = [ag for ag in analysed[i].agencies if ag.role == "lead"]
        if leads:
            return leads
    return _agency_heading(index, units, analysed) or _intro_leads(index, units, analysed)


def _agency_heading(index: int, units: list[Unit], analysed: list[_Analysed]) -> list[Agency]:
    """The agencies of a heading that only names them, over the plain paragraphs that follow it as
    siblings ("3. Sở Khoa học và Công nghệ" / "Chủ trì, phối hợp với …"), as leads."""
    unit = units[index]
    if unit.kind != "plain":
        return []
    j = index - 1
    while j >= 0 and units[j].kind == "plain" and units[j].parent == unit.parent:
        j -= 1
    if j < 0 or units[j].parent != unit.parent or units[j].children:
        return []
    head = analysed[j]
    body = MARKER_RE.sub("", head.unit.text, count=1).strip()
    named = sum(ag.end - ag.start for ag in head.agencies)
    if not head.agencies or len(body) > HEADING_MAX_CHARS or named < AGENCY_SHARE * len(body):
        return []
    return [replace(ag, role="lead") for ag in head.agencies]


def _intro_leads(index: int, units: list[Unit], analysed: list[_Analysed]) -> list[Agency]:
    """The leads of the paragraph that opens a list of items ("…; các sở, ban, ngành, các xã, phường … tập trung
    thi đua thực hiện các nội dung sau:" over "1. …", "2. …"), under the item's own heading first ("2. Nhiệm vụ
    trọng tâm" / "…; đề nghị Ban Thường vụ Huyện ủy tập trung:" / "- …")."""
    top = index
    while units[top].parent is not None and units[units[top].parent].kind != "roman":
        top = units[top].parent
    for first in dict.fromkeys((index, top)):
        if first == top != index and titles_a_part(units[top]):
            break  # "2. Nhiệm vụ trọng tâm": a part of the document, which the preamble does not open
        parent = units[first].parent
        for j in range(first - 1, -1 if parent is None else parent, -1):
            if units[j].parent != parent:
                continue
            if units[j].kind == "plain":
                if _LIST_INTRO_END_RE.search(units[j].text):
                    return [ag for ag in analysed[j].agencies if ag.role == "lead"]
                break
            if units[j].kind != units[first].kind:
                break  # another kind of sibling in between: the paragraph does not open this list
    return []


def _ancestors(unit: Unit, units: list[Unit]) -> list[int]:
    out = []
    i = unit.parent
    while i is not None:
        out.append(i)
        i = units[i].parent
    return out
