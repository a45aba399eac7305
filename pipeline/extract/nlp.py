"""The spaCy pipeline of the extract stage.

``spacy.blank("vi")`` with a syllable tokenizer (keeps "05/4/2024", "13.966",
"NN&PTNT" whole and splits punctuation, so character offsets survive), then:

- ``entity_ruler``: agency names where the genre is formulaic (patterns from agencies.json);
- ``ketluan_agencies``: full extent of each name, lists of ministries split, role per mention;
- ``ketluan_deadlines`` and ``ketluan_metrics``: the temporal normaliser and the figure finder,
  as span groups ``doc.spans["deadlines"]`` / ``doc.spans["metrics"]``;
- ``textcat``: the statistical task classifier trained with ``spacy train`` on the dev split
  of the annotations (``python -m pipeline.extract.train``), loaded from models/task_classifier.
"""

from __future__ import annotations

import re
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .agencies import AgencyRules, clause_start
from .lexicon import Lexicon, load_lexicon
from .metrics import MetricFinder
from .temporal import TemporalNormaliser

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "task_classifier"
TASK_LABEL = "TASK"

for _name in ("role", "canonical", "deadline", "figure"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


class SyllableTokenizer:
    """Syllables, numbers and punctuation; whitespace other than one space becomes its own token."""

    def __init__(self, vocab, lexicon: Lexicon | None = None):
        self.vocab = vocab
        lexicon = lexicon or load_lexicon()
        special = sorted((k for k in lexicon.agencies["abbreviations"] if not k.isalnum()), key=len, reverse=True)
        self.token_re = re.compile(
            "|".join(re.escape(k) for k in special) + r"|\d+(?:[.,/\-]\d+)*|[^\W_]+|\S"
        )

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []

        def add_gap(gap: str) -> None:
            # one space after a token is its trailing whitespace; anything else is a token of its own
            if gap and words and gap[0] == " ":
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)

        pos = 0
        for m in self.token_re.finditer(text):
            add_gap(text[pos:m.start()])
            words.append(m.group(0))
            spaces.append(False)
            pos = m.end()
        add_gap(text[pos:])
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "SyllableTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, **kwargs) -> "SyllableTokenizer":
        return self


@spacy.registry.tokenizers("ketluan.syllable_tokenizer.v1")
def create_syllable_tokenizer():
    def make(nlp: Language) -> SyllableTokenizer:
        return SyllableTokenizer(nlp.vocab)

    return make


@Language.factory("ketluan_agencies")
def make_agency_component(nlp: Language, name: str):
    rules = AgencyRules(load_lexicon())

    def component(doc: Doc) -> Doc:
        text = doc.text
        spans = []
        ents = list(doc.ents)
        for i, ent in enumerate(ents):
            # a name's tail stops where the next name begins ("Ban Thường vụ" | "Huyện ủy Sơn Dương"); a collective's
            # list goes on over the names it lists ("các tỉnh ủy, thành ủy, các ban đảng, …"); nor does a purpose name's
            # tail stop at a head that is no name alone ("Ban Chỉ huy" | "Phòng thủ dân sự tỉnh")
            purpose = rules.is_purpose_head(ent.text)
            following = next((e.start_char for e in ents[i + 1:] if not (purpose and rules.is_bare_head(e.text))),
                             len(text))
            limit = len(text) if rules.is_collective(ent.text) else following
            end = min(rules.extend(text, ent.start_char, ent.end_char), max(limit, ent.end_char))
            span = doc.char_span(ent.start_char, end, label="AGENCY", alignment_mode="expand") or ent
            extra = rules.split_lists(text, span.start_char, span.end_char)
            if extra and span.text.lower().startswith("các"):
                span = None  # "các Bộ: Tài chính, …" is replaced by the ministries it lists
            if span is not None:
                spans.append(span)
            for s, e, canonical in extra:
                piece = doc.char_span(s, e, label="AGENCY", alignment_mode="expand")
                if piece is not None:
                    piece._.canonical = canonical
                    spans.append(piece)
        for s, e, canonical in rules.leader_groups(text):
            group = doc.char_span(s, e, label="AGENCY", alignment_mode="expand")
            if group is not None:
                group._.canonical = canonical
                spans.append(group)
        spans = _split_places(doc, rules, _merge_adjacent(doc, filter_spans(spans)))
        spans = [s for k, s in enumerate(spans) if s._.canonical is not None or not rules.is_bare_head(s.text)
                 or _list_member(text, spans[k - 1] if k else None, s)]
        taken = {i for s in spans for i in range(s.start, s.end)}
        places = []
        for s, e, canonical in rules.place_actors(text):
            piece = doc.char_span(s, e, label="AGENCY", alignment_mode="expand")
            if piece is not None and not taken.intersection(range(piece.start, piece.end)):
                piece._.canonical = canonical
                places.append(piece)
        doc.ents = sorted(spans + places, key=lambda s: s.start)
        previous: list[tuple[int, int]] = []
        subject_seen = False  # a lead named as the acting subject, not as the one directed
        for ent in doc.ents:
            begin = clause_start(text, ent.start_char)
            others = [(s, e) for s, e in previous if s >= begin]
            ent._.role = rules.role(text, ent.start_char, ent.end_char, begin, others,
                                    subject_seen and begin > 0)
            subject_seen |= ent._.role == "lead" and rules.directs_cue(text, begin, ent.start_char) is None
            previous.append((ent.start_char, ent.end_char))
        # a province named in passing ("tại tỉnh Đắk Lắk") is a place; only as the actor is it an agency
        place_spans = {(p.start, p.end) for p in places}
        doc.ents = [ent for ent in doc.ents if ent._.role == "lead" or (ent.start, ent.end) not in place_spans]
        return doc

    return component


ADMIN_LIST_RE = re.compile(r"(?i)các\s+(?:tỉnh|huyện|xã|thành phố|thị xã|quận|phường)\b")


def _merge_adjacent(doc: Doc, spans: list[Span]) -> list[Span]:
    """ "Ban Thường vụ" + "Tỉnh ủy Tuyên Quang", "Đảng ủy" + "Ủy ban nhân dân tỉnh": one name."""
    merged: list[Span] = []
    for span in spans:
        joinable = not span.text.lower().startswith("các") or (
            not merged[-1].text.lower().startswith("các") and ADMIN_LIST_RE.match(span.text) is not None
        ) if merged else False
        if merged and doc.text[merged[-1].end_char:span.start_char] == " " and span._.canonical is None \
                and merged[-1]._.canonical is None and joinable:
            merged[-1] = doc[merged[-1].start:span.end]
            merged[-1].label_ = "AGENCY"
        else:
            merged.append(span)
    return merged


def _list_member(text: str, previous: Span | None, span: Span) -> bool:
    """A lower-case head named in a list of bodies ("các cấp ủy, tổ chức đảng, chính quyền, Mặt trận …") stands
    for the bodies of its kind."""
    return previous is not None and span.text[:1].islower() and text[previous.end_char:span.start_char] == ", "


def _split_places(doc: Doc, rules: AgencyRules, spans: list[Span]) -> list[Span]:
    """ "Ủy ban nhân dân các tỉnh, thành phố: A, B" is replaced by the provinces and cities it lists."""
    out: list[Span] = []
    for span in spans:
        places = rules.split_places(doc.text, span.start_char, span.end_char) if span._.canonical is None else []
        pieces = [doc.char_span(s, e, label="AGENCY", alignment_mode="expand") for s, e, _ in places]
        if not places or any(p is None for p in pieces):
            out.append(span)
            continue
        for piece, (_, _, canonical) in zip(pieces, places):
            piece._.canonical = canonical
            out.append(piece)
    return filter_spans(out)


@Language.factory("ketluan_deadlines")
def make_deadline_component(nlp: Language, name: str):
    normaliser = TemporalNormaliser(load_lexicon())

    def component(doc: Doc) -> Doc:
        found = normaliser.find(doc.text, doc.user_data.get("doc_date"), doc.user_data.get("bare_kind"))
        return _span_group(doc, "deadlines", "DEADLINE", "deadline", [(d.span_start, d.span_end, d) for d in found])

    return component


@Language.factory("ketluan_metrics")
def make_metric_component(nlp: Language, name: str):
    finder = MetricFinder(load_lexicon())

    def component(doc: Doc) -> Doc:
        return _span_group(doc, "metrics", "METRIC", "figure", [(f.start, f.end, f) for f in finder.find(doc.text)])

    return component


def _span_group(doc: Doc, group: str, label: str, attr: str, items: list[tuple[int, int, object]]) -> Doc:
    """``doc.spans[group]``: one span per (start, end, record), the record in ``span._.<attr>``."""
    spans = []
    for start, end, record in items:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            span._.set(attr, record)
            spans.append(span)
    doc.spans[group] = spans
    return doc


def build_nlp(lexicon: Lexicon | None = None, classifier_dir: Path | None = MODEL_DIR) -> Language:
    """The extraction pipeline; the task classifier is added when its trained model is there."""
    lexicon = lexicon or load_lexicon()
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "ketluan.syllable_tokenizer.v1"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"validate": False})
    ruler.add_patterns(AgencyRules(lexicon).ruler_patterns(lambda s: [t.text for t in nlp.make_doc(s) if not t.is_space]))
    nlp.add_pipe("ketluan_agencies")
    nlp.add_pipe("ketluan_deadlines")
    nlp.add_pipe("ketluan_metrics")
    if classifier_dir is not None and (Path(classifier_dir) / "meta.json").exists():
        trained = spacy.load(classifier_dir)
        nlp.add_pipe("textcat", source=trained)
    return nlp
