"""Agency names: EntityRuler patterns from ``agencies.json``, their full extent, canonical form and role.

The ruler finds the formulaic part of a name (an abbreviation, "Sở" + a domain,
"Ủy ban nhân dân", a collective like "các sở, ngành"); :func:`extend` then takes
in the administrative unit and proper name that follow ("… tỉnh Tuyên Quang",
"… các huyện, thành phố"); :func:`split_lists` turns "các Bộ: Tài chính, Xây
dựng" into one mention per ministry. Roles come from the words before and after
a mention within its clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..model import Agency
from .lexicon import LOWER, Lexicon, words_pattern

ACTOR_PHRASE_MAX = 150  # an item naming only its actor names it in at most this many characters
SUBJECT_QUALIFIER_MAX = 6  # words that may qualify a collective subject before its predicate
_PROPER = r"(?:[A-ZĐ][^\W\d_]*|[A-ZĐ]{2,})"
_NAME = rf"{_PROPER}(?:\s+{_PROPER}){{0,3}}"
_LINE_NAME = rf"{_PROPER}(?:[ \t]+{_PROPER}){{0,3}}"  # on one line: a title's "tỉnh Lâm Đồng" ends with it
_CAPS_NAME = r"[A-ZĐ][^\W\d_a-zđ]*(?:[ \t]+[A-ZĐ][^\W\d_a-zđ]*){0,3}"  # "TUYÊN QUANG" in a header
_CLAUSE_BREAK = re.compile(r"[;:.!?]\s|[;:]|\n")
_NOT_HEAD = r"(?!Ủy\b|Hội\b|Sở\b|Ban\b|Bộ\b)"
# an enterprise's or office's name: capitalised words whose second syllables are lower-case
# ("Bưu chính Viễn thông Việt Nam", "Công nghiệp - Viễn thông Quân đội"); it ends on a capital
_COMPOUND_NAME = (rf"{_NOT_HEAD}{_PROPER}(?:\s+(?:-\s+)?(?:(?!và\b|với\b|của\b|tại\b|cho\b|các\b|về\b|theo\b)"
                  rf"[{LOWER}]+\s+)?(?:-\s+)?{_NOT_HEAD}{_PROPER})*")


@dataclass
class Mention:
    start: int
    end: int
    name: str  # canonical
    role: str = "other"


class AgencyRules:
    def __init__(self, lexicon: Lexicon):
        a = lexicon.agencies
        self.abbr = a["abbreviations"]
        self.fixed_names = a["fixed_names"]
        self.org_heads = a["org_heads"]
        self.domains = a["domains"]
        self.domain_heads = a["domain_heads"]
        self.collectives = a["collectives"]
        self.collective_noun_set = {n.lower() for n in a["collective_nouns"]}
        self.full_names = a["full_names"]
        # "ủy ban nhân dân" → "Ủy ban nhân dân": names recognised in lower case, written with their capitals
        self.case_free = {n.lower(): n for n in a["case_free_names"]}
        self.case_free_re = re.compile(rf"(?<!\w)(?:{words_pattern(list(self.case_free))})(?!\w)")
        self.admin_units = a["admin_units"]
        self.party_committees = a["party_committees"]
        self.unit_word_names = tuple(n.lower() for n in a["unit_word_names"])
        # the right column of the header ("ĐẢNG CỘNG SẢN VIỆT NAM") runs on from the issuer's name when OCR reads
        # both columns as one line: "TỈNH ỦY HÀ SƠN ĐẢNG CỘNG SẢN VIỆT NAM"
        self.motto_re = re.compile(words_pattern(lexicon.structure["motto"]), re.IGNORECASE)
        self.surnames = set(a["surnames"])
        titles = words_pattern(a["leader_titles"])
        self.title_before_re = re.compile(rf"(?:{titles})(?!\w)", re.IGNORECASE)
        admin = f"(?i:{words_pattern(self.admin_units)})"
        # a name's proper words, but not a capitalised verb after it ("Giao Sở Xây dựng Theo dõi, đôn đốc …")
        domains = {d.lower() for d in self.domains}
        verbs = [v[0].upper() + v[1:] for v in lexicon.structure["directive_cues"] + a["lead_after"]
                 if " " in v and v.lower() not in domains]
        proper = rf"(?!(?:{words_pattern(verbs)})(?!\w)){_PROPER}"
        name = rf"{proper}(?:\s+{proper}){{0,3}}"
        # "… tỉnh Tuyên Quang", "… huyện", "… các huyện, thành phố" (or "xã/phường"), "… tỉnh, thành phố trực thuộc
        # Trung ương", "… các cấp"
        self.tail_re = re.compile(
            rf"(?:\s+(?:các\s+|cấp\s+)?(?:{admin})(?:\s*[,/]\s*(?:{admin}))*(?!\w)(?:\s+trực\s+thuộc\s+(?i:Trung\s+ương))?"
            rf"(?:\s+(?!Ủy\b|Hội\b|Sở\b|Ban\b|Bộ\b)(?:{name}))?"
            rf"|\s+(?:{words_pattern(a['domains'])})(?!\w)|\s+Trung\s+ương(?!\w)|\s+(?!Ủy\b|Hội\b|Sở\b|Ban\b|Bộ\b)(?:{name})"
            rf"|\s+các\s+cấp(?!\w))",  # "Ủy ban nhân dân các cấp", "Hội đồng Thi đua - Khen thưởng các cấp"
        )
        self.back_reference_re = re.compile(rf"\s+(?:{words_pattern(a['back_references'])})(?!\w)", re.IGNORECASE)
        self.unit_slash_re = re.compile(rf"(?<=\w)\s*/\s*(?=(?:{admin})(?!\w))")
        self.domain_set = {d.lower() for d in self.domains} | {k.lower() for k in self.abbr}
        self.related_re = re.compile(r"\s+(?:có\s+)?liên\s+quan")
        self.related_end_re = re.compile(r"(?<!\w)liên\s+quan$")
        # "các Sở, ngành" + ", đơn vị", "các cơ quan, đơn vị" + ", địa phương, doanh nghiệp", + " và địa phương"
        predicate = words_pattern(lexicon.structure["directive_cues"] + a["lead_after"] + a["fronted_clauses"]
                                  + a["cooperate_before"] + a["report_before"] + ["và", "có liên quan", "liên quan"])
        # ... also when a level or place qualifies the whole list: "các sở, ban, ngành, đoàn thể cấp tỉnh / Thành phố"
        more = (rf"(?i:{words_pattern(a['collective_nouns'])})"
                rf"(?=\s*[,;:.)]|\s*$|\s+(?i:{predicate})(?!\w)|\s+(?:cấp\s+)?{admin}(?!\w)|\s+trực\s+thuộc\b)")
        self.collective_more_re = re.compile(rf"(?:\s*,\s*|\s+và\s+)(?:các\s+)?{more}")
        # after a level or place ("các bộ, cơ quan trung ương" + " và địa phương") only a noun without "các" goes on
        # the list: "các xã, phường, các doanh nghiệp" names two collectives
        self.collective_more_after_tail_re = re.compile(rf"(?:\s*,\s*|\s+và\s+){more}")
        self.possessive_re = re.compile(rf"(?:^|[^\w])(?:{words_pattern(a['possessive_before'])})\s*$", re.IGNORECASE)
        self.agent_re = re.compile(rf"\w[^\w]+(?:{words_pattern(a['agent_before'])})\s*$")  # not "Do …" opening
        # "… cấp tỉnh", "… các cấp", "… trực thuộc Trung ương"; "… trực thuộc" + the next name ("Tỉnh ủy"), and
        # not a bare "… trực thuộc" (their own members: "Ủy ban MTTQ tỉnh và các tổ chức chính trị - xã hội trực thuộc")
        owners = words_pattern(a["collective_owners"])  # "các cơ quan của Quốc hội"
        self.collective_tail_re = re.compile(rf"(?:\s*[,/]\s*(?:{admin})(?!\w))*"
                                             rf"(?:\s+(?:cấp\s+)?(?:{admin})(?:\s*,\s*(?:{admin}))*(?!\w))?"
                                             rf"(?:\s+các\s+cấp(?!\w))?"
                                             rf"(?:\s+trực\s+thuộc(?=\s+(?:[^\W\d_](?<![{LOWER}])|(?i:trung\s+ương)))(?:\s+(?i:Trung\s+ương))?"
                                             rf"|\s+(?:trực\s+)?thuộc\s+(?:Bộ|Sở|Ban)(?!\w)(?!\s+[A-ZĐ])"  # "… thuộc Bộ": the issuer
                                             rf"|\s+(?:ở\s+)?(?i:Trung\s+ương)|\s+{name}|\s+của\s+(?:{owners})(?!\w))?"
                                             rf"(?:\s+(?:{words_pattern(a['collective_members'])})(?!\w))?")
        self.code_tail_re = re.compile(r"(?i:(?:\s+-)?\s+chi\s+nhánh)?(?i:\s+khu\s+vực)?\s+(?:số\s+)?(?:\d{1,4}|[IVX]{1,5})(?![\w/.,-]*\d)(?!\w)"
                                       r"(?:\s+quốc\s+gia(?!\w))?")
        self.name_tail_re = re.compile(rf"\s+(?!Ủy\b|Hội\b|Sở\b|Ban\b|Bộ\b)(?:{name})")
        self.compound_tail_re = re.compile(rf"\s+{_COMPOUND_NAME}")
        self.purpose_heads = {h.lower() for h in a["purpose_heads"]}
        stops = words_pattern(a["function_words"] + a["lead_before"] + a["lead_after"] + a["cooperate_before"]
                              + a["report_before"] + a["directs_before"])
        # sentence case: the first word may be capitalised ("Ban Chỉ đạo Phòng thủ dân sự quốc gia")
        purpose_word = rf"(?:{words_pattern(a['purpose_words'])})(?!\w)|(?!(?:{stops}|{admin})(?!\w))[{LOWER}]+"
        self.purpose_tail_re = re.compile(
            rf"\s+(?:{purpose_word}|{_NOT_HEAD}[A-ZĐ][{LOWER}]+)(?:\s+(?:{purpose_word})){{0,13}}?"
            rf"\s+(?:(?:{admin})(?!\w)(?:\s+{name})?|quốc\s+gia(?!\w)|(?i:Trung\s+ương)(?!\w)|các\s+cấp(?!\w))")
        # a name in sentence case, as Decree 30 writes it, up to its unit or proper name: "Trung tâm Kiểm soát bệnh tật
        # tỉnh", "Công ty TNHH MTV Khai thác thủy lợi Hà Sơn" (without either, where it ends is a guess: "Báo Nhân dân
        # mở chuyên mục" has no name "Nhân dân mở")
        self.sentence_name_re = re.compile(
            rf"\s+(?:[A-ZĐ]{{2,}}\s+)*{_NOT_HEAD}{_PROPER}(?:\s+(?!(?:{stops}|{words_pattern(a['name_stop_words'])}|{admin})(?!\w))[{LOWER}]+)"
            rf"{{0,5}}?(?:\s+(?!xã\s+hội)(?:{admin})(?!\w)(?:\s+{name})?|\s+{name})")
        self.compound_last_syllable_re = re.compile(
            rf"\s+(?!{words_pattern(a['function_words'] + a['name_stop_words'])}(?!\w))[{LOWER}]+(?!\w)")
        self.central_cities = a["central_cities"]
        self.provinces = set(lexicon.structure["provinces"]) - set(self.central_cities)
        units = words_pattern(a["place_actor_units"])
        place = rf"{_NOT_HEAD}(?!(?i:{titles})(?!\w)){_NAME}"  # "…, Tân Đức và Chủ tịch UBND phường …" ends the list
        # "Các tỉnh Nghệ An, Quảng Ngãi", "Thành phố Hà Nội", "tỉnh Lâm Đồng"
        self.place_list_re = re.compile(rf"(?<!\w)(?:[Cc]ác\s+)?(?i:{units})\s+({place}(?:\s*(?:,|và)\s*{place})*)")
        self.place_name_re = re.compile(place)
        # "…: Tỉnh chủ động sử dụng ngân sách địa phương": the province a document is about, as the clause's subject
        acts = words_pattern(a["lead_after"] + a["actor_phrase_stops"] + lexicon.structure["directive_cues"])
        self.bare_place_subject_re = re.compile(
            rf"(?:^|(?<=[.;:]))\s*((?:{words_pattern([u.capitalize() for u in a['place_actor_units']])}))"
            rf"(?=\s+(?i:{acts})(?!\w))")
        # "Ủy ban nhân dân các tỉnh, thành phố (trực thuộc Trung ương): Tuyên Quang, Huế"
        # ... and "Ủy ban nhân dân các xã: Gia Thuận, Tân Điền", where one lower unit is named
        lower = words_pattern(a["listed_units"])
        self.places_of_re = re.compile(rf"^(.*?)\s*\bcác\s+(?:(?:{units})(?:\s*,\s*(?:{units}))*|(?P<unit>{lower}))"
                                       rf"(?:\s+trực\s+thuộc\s+(?i:Trung\s+ương))?$",
                                       re.IGNORECASE)
        self.place_items_re = re.compile(rf"\s*:\s*({place}(?:\s*(?:,|và)\s*{place})*)")
        self.named_heads = {h.lower() for h in a["named_heads"]}
        self.domain_list_re = re.compile(
            rf"\s*[:,]?\s*({words_pattern(self.domains)})(?=[\s,.;:)]|$)", re.IGNORECASE)
        self.list_sep_re = re.compile(r"\s*(?:,|và)\s*")
        self.cooperate_before = re.compile(rf"(?:^|[^\w])(?:{words_pattern(a['cooperate_before'])})(?!\w)", re.IGNORECASE)
        self.report_before = re.compile(rf"(?:^|[^\w])(?:{words_pattern(a['report_before'])})(?!\w)", re.IGNORECASE)
        self.lead_before = re.compile(rf"(?:^|[^\w])(?:{words_pattern(a['lead_before'])})(?!\w)", re.IGNORECASE)
        self.directs_before = re.compile(rf"(?:^|[^\w])(?:{words_pattern(a['directs_before'])})(?!\w)", re.IGNORECASE)
        self.party_body_re = re.compile(rf"(?i)(?<!\w)(?:{words_pattern(a['party_body_words'])})(?!\w)")
        self.leads_through = re.compile(rf"^\s*(?:{words_pattern(a['leads_through'])})\s*$", re.IGNORECASE)
        self.speaker_after = re.compile(rf"^\s*(?:{words_pattern(a['speaker_after'])})(?!\w)", re.IGNORECASE)
        self.past_after = re.compile(rf"^\s*(?:{words_pattern(a['past_after'])})(?!\w)(?!\s+được(?!\w))")
        self.assigned_by_re = re.compile(rf"(?<!\w)(?:{words_pattern(a['assigned_by_before'])})\s*$", re.IGNORECASE)
        self.lead_after = re.compile(rf"^\s*(?:,\s*)?(?:{words_pattern(a['lead_after'])})(?!\w)", re.IGNORECASE)
        # "đồng chí Nguyễn Văn Hùng, Phó Bí thư Đảng ủy, Chủ tịch …": a person named by the offices held
        person = r"đồng\s+chí(?-i:\s+[A-ZĐ][^\W\d_]*){1,5}\s*,"
        charge = rf"(?:{words_pattern(a['title_charges'])})(?:\s+(?-i:[{LOWER}]+)){{0,4}}(?=\s*,)"
        filler = rf"(?:\s|[-+•*.,)(\d]|[a-zđ]\)|[IVX]+[.\-]|và|các|{person}|đồng\s+chí|{titles}|{charge}" \
                 rf"|{words_pattern(a['list_fillers'])})*"
        self.person_re = re.compile(person, re.IGNORECASE)
        self.next_title_re = re.compile(rf"^\s*,\s*(?:{titles})(?!\w)", re.IGNORECASE)
        difficulty = words_pattern(lexicon.structure["difficulty_clauses"])
        fronted = words_pattern(a["fronted_clauses"])
        # "Trong quá trình thực hiện(,) nếu có khó khăn, vướng mắc, các cơ quan, đơn vị báo cáo …"
        self.subject_filler = re.compile(
            rf"^{filler}(?:(?:{words_pattern(a['subject_openers'])})\s*,|(?:{fronted})\s[^,;:]*?(?=\s(?:{difficulty}))|"
            rf"(?:{fronted})\s[^,;:]*,)?{filler}(?:(?:{difficulty}){filler})?$", re.IGNORECASE)
        # between "Giao"/"Đề nghị" and the agencies it names: nothing but titles and list glue
        self.object_filler = re.compile(rf"^{filler}$", re.IGNORECASE)
        self.invite_re = re.compile(rf"^{filler}(?:{words_pattern(a['invite_openers'])})(?=\s){filler}$", re.IGNORECASE)
        self.bare_heads = {h.lower() for h in a["bare_heads"]}
        self.leader_collectives = {" ".join(k.lower().split()): v for k, v in a["leader_collectives"].items()}
        self.leader_collective_re = re.compile(rf"(?<!\w)(?:{words_pattern(list(a['leader_collectives']))})(?!\w)",
                                               re.IGNORECASE)
        role_cues = a["lead_before"] + a["lead_after"] + a["cooperate_before"] + a["report_before"]
        self.actor_cue_re = re.compile(rf"(?i)\s*(?:{words_pattern(a['lead_before'])})\s+")
        stops = role_cues + a["speaker_after"] + a["actor_phrase_stops"]
        words = words_pattern(a["actor_phrase_words"])
        self.actor_stop_re = re.compile(rf"(?i)(?<!\w)(?!(?:{words})(?!\w))(?:{words_pattern(stops)})(?!\w)")
        predicates = lexicon.structure["directive_cues"] + lexicon.structure["opening_verbs"]
        self.actor_predicate_re = re.compile(rf"(?i)\s*(?:{words_pattern(predicates)})(?!\w)")
        # the words that qualify a collective subject before its predicate: "Các địa phương ven biển khẩn trương …"
        ends = stops + predicates + a["subject_qualifier_stops"]
        qualifier = rf"(?!(?:{words_pattern(a['function_words'] + ends)})(?!\w))[{LOWER}]+(?!\w)"
        # the qualifiers may run on as a list of one kind ("Các doanh nghiệp viễn thông, doanh nghiệp bưu chính ưu
        # tiên …") and leave an aside in brackets before the predicate ("Các bộ, cơ quan quản lý ngành, lĩnh vực (…)
        # khẩn trương …"); "căn cứ" opens the predicate's clause ("Các ngành, lĩnh vực khác, căn cứ …")
        # "Các tỉnh ủy, thành ủy có biển …": "có" opens a qualifier unless it opens a predicate ("có trách nhiệm")
        having = rf"\s+(?!(?:{words_pattern([e for e in ends if e.startswith('có ')])})(?!\w))có(?=\s+{qualifier})"
        self.subject_tail_re = re.compile(
            rf"((?:{having})?(?:\s*,\s*{qualifier}|\s+{qualifier}){{1,{SUBJECT_QUALIFIER_MAX}}}?)(?:\s*\([^()]{{1,200}}\))?"
            rf"(?=\s+(?i:{words_pattern(predicates + stops)})(?!\w)|\s*,?\s*(?i:căn\s+cứ)(?!\w))")
        self.assign_cue_re = re.compile(
            rf"(?i)\s*(?:{words_pattern([c for c in a['lead_before'] if c not in a['directs_before']])})\s+")
        self.abbr_re = re.compile(r"(?<![\w&])(" + "|".join(re.escape(k) for k in sorted(self.abbr, key=len, reverse=True))
                                  + r")(?![\w&])")

    # --- patterns for spaCy's EntityRuler ----------------------------------------------------
    def ruler_patterns(self, tokenize) -> list[dict]:
        a_heads = []
        a = self.abbr
        for key in a:
            a_heads.append([{"ORTH": t} for t in tokenize(key)])
        phrases: list[str] = []
        for head in self.domain_heads:
            phrases += [f"{head} {d}" for d in self.domains]
            phrases += [f"{head} {k}" for k in a if "&" in k or k.isupper() and len(k) > 3]
        patterns = [{"label": "AGENCY", "pattern": p} for p in a_heads]
        names = self.fixed_names + self.org_heads
        # "Ủy ban MTTQ Việt Nam": the same names written with an abbreviation inside
        names = names + [n.replace(full, short) for n in names for short, full in a.items()
                         if full in n and n != full]
        for phrase in phrases + names:
            toks = tokenize(phrase)
            # single capitalised words ("Phòng", "Cục") are case-sensitive: "phòng, chống" is no agency
            if len(toks) == 1:
                pattern = [{"ORTH": toks[0]}]
            else:  # a name starts with a capital: "bảo hiểm xã hội" is a benefit, "Bảo hiểm xã hội" an agency
                pattern = [{"LOWER": t.lower()} for t in toks]
                if phrase.lower() not in self.case_free:
                    pattern[0]["IS_LOWER"] = False
            patterns.append({"label": "AGENCY", "pattern": pattern})
        for phrase in self.collectives:
            patterns.append({"label": "AGENCY", "pattern": [{"LOWER": t.lower()} for t in tokenize(phrase)]})
        return patterns

    # --- extent ------------------------------------------------------------------------------
    def extend(self, text: str, start: int, end: int) -> int:
        """End of the mention once the administrative unit, proper name and number after it are taken in."""
        written = text[start:end]
        end = self._extent(text, written, end)
        if not self.is_collective(written) and not written[:1].islower() and not self._is_domain(written) \
                and (m := self.code_tail_re.match(text, end)):
            return m.end()  # "Ban Quản lý Dự án 85", "Chi cục Hải quan khu vực XIX", "… chi nhánh khu vực 14"
        return end

    def _extent(self, text: str, written: str, end: int) -> int:
        if self.is_collective(written):
            # "các Bộ, cơ quan liên quan", "các Sở, ban, ngành Thành phố", "các sở, ban, ngành tỉnh có liên quan",
            # "các bộ, cơ quan trung ương và địa phương": more nouns after a tail too
            more_re = self.collective_more_re
            while True:
                while m := more_re.match(text, end):
                    end = m.end()
                for regex in (self.related_re, self.collective_tail_re, self.related_re):
                    m = regex.match(text, end)
                    end = m.end() if m else end
                more_re = self.collective_more_after_tail_re
                if not more_re.match(text, end):
                    return end
        if self.is_purpose_head(written) and (m := self.purpose_tail_re.match(text, end)):
            return m.end()
        if " ".join(written.split()).lower() in self.named_heads:
            # "Trung tâm" + a domain ("Văn hóa - Thể thao và Truyền thông") or + a compound name
            ends = [m.end() for m in (self.compound_tail_re.match(text, end), self.tail_re.match(text, end),
                                      self.sentence_name_re.match(text, end)) if m]
            if not ends:
                return end
            if max(ends) == ends[0] and (m := self.compound_last_syllable_re.match(text, ends[0])) \
                    and _pairs_syllables(text[end:ends[0]]):
                return m.end()
            m = self.tail_re.match(text, max(ends))  # "… và Truyền thông" + "huyện"
            return m.end() if m else max(ends)
        if written[:1].islower() and " ".join(written.split()) not in self.case_free:
            return end  # a collective kept as written: "cơ quan ngang bộ"
        if self._is_domain(written):
            m = self.name_tail_re.match(text, end)
            return m.end() if m else end
        # twice: "Ủy ban MTTQ" + "Việt Nam" + "tỉnh Thanh Lĩnh"
        for _ in range(2):
            m = self.tail_re.match(text, end)
            end = m.end() if m else end
        return end

    def _is_domain(self, written: str) -> bool:
        head, _, rest = written.partition(" ")
        return head in ("Bộ", "Sở", "Phòng") and rest.lower() in self.domain_set

    def split_lists(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """Extra mentions for a list of domains after "các Bộ:", "Bộ Tài chính, Xây dựng": (start, end, canonical)."""
        written = text[start:end]
        head = "Bộ" if re.search(r"(?i)\bbộ\b", written) else "Sở" if re.search(r"(?i)\bsở\b", written) else None
        if head is None:
            return []
        out = []
        pos = end
        while True:
            m = self.domain_list_re.match(text, pos)
            if not m or (pos == end and not written.lower().startswith("các") and text[pos:m.start(1)].strip() != ","):
                break
            domain = next(d for d in self.domains if d.lower() == re.sub(r"\s+", " ", m.group(1)).lower())
            out.append((m.start(1), m.end(1), f"{head} {domain}"))
            pos = m.end(1)
            sep = self.list_sep_re.match(text, pos)
            if not sep:
                break
            pos = sep.start()
        return out

    def _unit_of(self, name: str) -> str:
        return "thành phố" if name in self.central_cities else "tỉnh"

    def split_places(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """ "Ủy ban nhân dân các tỉnh, thành phố: Tuyên Quang, Huế" → one mention per province or city."""
        m = self.places_of_re.match(" ".join(text[start:end].split()))
        items = self.place_items_re.match(text, end) if m else None
        if not items:
            return []
        body = self.canonical(m.group(1), {}) if m.group(1) else ""
        return [(n.start() + items.start(1), n.end() + items.start(1),
                 f"{body} {(m.group('unit') or self._unit_of(n.group(0))).lower()} {n.group(0)}".strip())
                for n in self.place_name_re.finditer(items.group(1))]

    def leader_groups(self, text: str) -> list[tuple[int, int, str]]:
        """ "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ": one collective, named by its heads."""
        return [(m.start(), m.end(), self.leader_collectives[" ".join(m.group(0).lower().split())])
                for m in self.leader_collective_re.finditer(text)]

    def place_actors(self, text: str) -> list[tuple[int, int, str | None]]:
        """Provinces and cities written as such ("Các tỉnh Nghệ An, Quảng Ngãi"): candidates to act; and a bare
        "Tỉnh" opening a clause before its predicate, with no canonical name until the document's place names it."""
        out: list[tuple[int, int, str | None]] = [(m.start(1), m.end(1), None)
                                                  for m in self.bare_place_subject_re.finditer(text)]
        for m in self.place_list_re.finditer(text):
            names = list(self.place_name_re.finditer(m.group(1)))
            for k, n in enumerate(names):
                s, e = m.start(1) + n.start(), m.start(1) + n.end()
                out.append((m.start() if k == 0 else s, e, f"{self._unit_of(n.group(0))} {n.group(0)}"))
        return out

    def actor_phrase_end(self, text: str, body_start: int, mentions: list[tuple[int, int]]) -> tuple[int, int] | None:
        """The end of the last actor's name in an item that only names its actors, where the patterns stopped short
        of it: "18. Các doanh nghiệp công nghệ số", "13. Đề nghị các doanh nghiệp viễn thông (VNPT, …): Đảm bảo …"
        name "các doanh nghiệp công nghệ số" and "các doanh nghiệp viễn thông". ``mentions`` are (start, end) in
        ``text``, in order. Returns which mention to lengthen and its new end; None where the item is no such
        heading or its last name is whole."""
        cue = self.actor_cue_re.match(text, body_start)
        start = cue.end() if cue else body_start
        colon = text.find(":", start)
        if colon != -1 and colon - start <= ACTOR_PHRASE_MAX and not re.search(r"[.;]", text[start:colon]):
            end, heading = colon, False
        elif len(text.rstrip()) - start <= ACTOR_PHRASE_MAX and not re.search(r"[.;:]\s*$", text):
            end, heading = len(text.rstrip()), True
        else:
            return None
        if text[start:end].rstrip().endswith(")"):  # the members in brackets: "(VNPT, Viettel, …)"
            end = text.rfind("(", start, end)
        end = len(text[:end].rstrip(" ,-–"))
        inside = [k for k, (s, e) in enumerate(mentions) if s >= start and e <= end]
        if not inside or text[start:mentions[inside[0]][0]].strip():
            return None  # the item does not open with a name
        if any(not re.fullmatch(r"\s*(?:,|và|-|–)?\s*", text[mentions[k][1]:mentions[k + 1][0]]) for k in inside[:-1]):
            return None  # words between the names
        last_start, last_end = mentions[inside[-1]]
        if not heading and not self.is_collective(text[last_start:last_end]):
            return None  # "1. Bộ Chính trị đánh giá: …": only a collective's name runs on before its colon
        tail = text[last_end:end]
        if not tail.strip() or not tail.lstrip()[:1].islower() or self.actor_stop_re.search(tail) \
                or not heading and self.actor_predicate_re.match(tail):
            return None  # the name is whole, or what follows says what the actor does ("các sở hướng dẫn: …")
        if any(m.group(1).isupper() for m in re.finditer(r"(?:[,;]|\svà)\s+(\w)", tail)):
            return None  # another name follows that the patterns do not know: keep it out of this one
        return inside[-1], end

    def subject_phrase_ends(self, text: str, body_start: int, mentions: list[tuple[int, int]]) -> dict[int, int]:
        """The ends of the collectives that open an item or a sentence as its subject, where a few lower-case words
        qualify them before the predicate: "Các địa phương ven biển khẩn trương …", "…. Các tỉnh ủy, thành ủy có biển
        chỉ đạo …" name "các địa phương ven biển" and "các tỉnh ủy, thành ủy có biển". ``mentions`` are (start, end)
        in ``text``, in order; returns {mention index: new end}, empty where no name runs on ("Chỉ đạo các ngân hàng
        …" names the bodies directed, not the subject)."""
        cue = self.assign_cue_re.match(text, body_start)
        item_start = cue.end() if cue else body_start
        ends = {}
        for k, (start, end) in enumerate(mentions):
            # what stands before the name in its sentence: nothing, or titles and list glue
            before = re.split(r"[.;]\s+", text[item_start:start])[-1]
            title = self.title_before_re.match(text, start)  # a leader's: "Bí thư các tỉnh ủy, thành ủy …"
            name = text[title.end() if title else start:end].strip()
            if not self.object_filler.match(before) or not self.is_collective(name) \
                    or self.related_end_re.search(text, 0, end):
                continue  # "Các cơ quan, đơn vị liên quan tổng hợp …": "liên quan" closes the qualifier
            m = self.subject_tail_re.match(text, end)
            if m and not any(end <= other < m.end(1) for other, _ in mentions[k + 1:]):
                ends[k] = m.end(1)  # (another name inside is a body of its own kind: "Các sở, ngành, địa phương …")
        return ends

    # --- canonical form ----------------------------------------------------------------------
    def canonical(self, written: str, places: dict[str, str]) -> str:
        name = " ".join(written.split())
        name = self.unit_slash_re.sub(", ", name)  # "các xã/phường" as "các xã, phường"
        name = self.abbr_re.sub(lambda m: self.abbr[m.group(1)], name)
        name = re.sub(r"(Việt Nam)(?:\s+Việt Nam)+", r"\1", name)  # "MTTQ Việt Nam" expanded
        for short, full in self.full_names.items():
            name = re.sub(rf"{re.escape(short)}(?!{re.escape(full[len(short):])}|,)", full, name)
        name = self.case_free_re.sub(lambda m: self.case_free[m.group()], name)
        collective = self.is_collective(name) or name.lower().startswith("mỗi ")
        if name.lower() in self.admin_units:
            name = name.lower()  # "Tỉnh" as a subject: "tỉnh Lâm Đồng" once resolved
        if name.isupper():
            # a collective in a heading in capitals is written lower-case like any other, its owner's name as named
            name = self._recase_collective(name) if collective else self._recase(name)
        name = re.sub(r"^(?:Đ/c|đồng chí)\s+", "", name, flags=re.IGNORECASE)
        if collective:
            name = name[0].lower() + name[1:]
        else:
            for unit in self.admin_units:
                name = re.sub(rf"(?<=\s){unit.title()}$|(?<=\s){unit.capitalize()}$", unit, name)
        # "Ủy ban nhân dân tỉnh" in a document about one province: name it; "Ủy ban nhân dân cấp xã",
        # "Ủy ban nhân dân các tỉnh, thành phố" name a level or a list, no one place
        for unit in sorted(self.admin_units, key=len, reverse=True):
            # a collective is kept as written ("các sở, ban, ngành tỉnh"), as the annotation guide has it
            if not collective and re.search(rf"(?i)(?<!các )(?<!cấp )(?<!,)(?<!, )(?<!\w){unit}$", name) \
                    and not name.lower().endswith(self.unit_word_names) \
                    and places.get(unit.lower()) \
                    and not re.fullmatch(rf"(?i)(?:các|mỗi)\s+{unit}", name):
                return f"{name} {places[unit.lower()]}"
        for committee, unit in self.party_committees.items():
            # in a collective only the capitalised committee is one body ("… trực thuộc Tỉnh ủy", not "các tỉnh ủy")
            written_end = name.endswith(committee) if collective else name.lower().endswith(committee.lower())
            if written_end and places.get(unit):
                return f"{name} {places[unit]}"
        return name

    def _recase_collective(self, name: str) -> str:
        """ "CÁC CƠ QUAN THUỘC CHÍNH PHỦ" → "các cơ quan thuộc Chính phủ"."""
        name = name.lower()
        for known in self.fixed_names + ["Trung ương"]:
            name = re.sub(rf"(?<!\w){re.escape(known.lower())}(?!\w)", known, name)
        return name

    def _recase(self, name: str) -> str:
        """ "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG" → "Ủy ban nhân dân tỉnh Tuyên Quang"."""
        known = self.fixed_names + self.org_heads + [f"{h} {d}" for h in ("Bộ", "Sở") for d in self.domains]
        head = max((k for k in known if name.lower().startswith(k.lower())), key=len, default="")
        rest = name[len(head):].split()
        units = {w for u in self.admin_units for w in u.split()}
        tail = [w.lower() if w.lower().rstrip(",;") in units | {"các", "và"} else w[0] + w[1:].lower() for w in rest]
        return " ".join([head] + tail) if head else _title_case(name)

    def places(self, text: str, date_place: str | None = None) -> dict[str, str]:
        """The province / district a document is about, where it names exactly one (or mostly one). ``date_place``:
        the place of the date line, which names the province of a provincial body ("Quảng Ngãi, ngày …") even where
        OCR broke the header's "TỈNH" from its name."""
        found: dict[str, str] = {}
        header = self.motto_re.sub("\n", text[:600])
        for unit in self.admin_units:
            names: dict[str, int] = {}
            if unit == "tỉnh" and date_place in self.provinces:
                names[date_place] = 2
            for m in re.finditer(rf"(?<!\w){unit}\s+({_LINE_NAME})", text):
                n = re.split(r"\s+(?:và|về|tại|năm|ngày)\b", m.group(1))[0]
                if len(n.split()) >= 3 and n.split()[0] in self.surnames \
                        and self.title_before_re.search(text, max(0, m.start() - 40), m.start()):
                    continue  # "Chủ tịch UBND tỉnh Nguyễn Hoàng Phúc": a person
                names[n] = names.get(n, 0) + 1
            # on the same line, whole words: "… ĐỊA BÀN THÀNH PHỐ\nThực hiện …" names no city
            for m in re.finditer(rf"(?<!\w){unit.upper()}[ \t]+(?:ỦY[ \t]+)?({_CAPS_NAME})(?!\w)", header):
                n = _title_case(m.group(1))
                names[n] = names.get(n, 0) + 3  # the header counts more
            committee = next((c for c, u in self.party_committees.items() if u == unit), None)
            if committee:
                for m in re.finditer(rf"(?<!\w){committee}\s+({_LINE_NAME})", text):
                    names[m.group(1)] = names.get(m.group(1), 0) + 1
                # the header "THÀNH ỦY HẢI THÀNH" names the city as "TỈNH ỦY …" names the province
                for m in re.finditer(rf"(?<!\w){committee.upper()}[ \t]+({_CAPS_NAME})(?!\w)", header):
                    n = _title_case(m.group(1))
                    names[n] = names.get(n, 0) + 3
            if names:
                best, count = max(names.items(), key=lambda kv: kv[1])
                if count >= 2 and count >= 0.6 * sum(names.values()):
                    found[unit] = best
        return found

    # --- role --------------------------------------------------------------------------------
    def role(self, text: str, start: int, end: int, clause_start: int,
             others: list[tuple[int, int]] = (), subject_before: bool = False) -> str:
        """Role of the mention at start:end; ``others`` are earlier mentions in the same clause, ``subject_before``
        says an earlier clause of the paragraph named its acting subject."""
        before = text[clause_start:start]
        for s, e in sorted(others, reverse=True):  # earlier names in a list do not hide the subject
            before = before[: s - clause_start] + before[e - clause_start:]
        after = text[end:end + 40]
        if self.possessive_re.search(before) or self.agent_re.search(before):
            return "other"  # "ý kiến của Bộ A", "đề xuất của các cơ quan, đơn vị", "các dự án do Bộ A chủ trì"
        if self.speaker_after.match(after):
            return "other"  # the issuer speaking: "Bộ Chính trị yêu cầu …", "Thường trực Tỉnh ủy ghi nhận"
        if self.past_after.match(after) and not self.object_filler.match(before):
            # "Trên cơ sở …, Bộ Nội vụ đã hướng dẫn …": reported on the way to an order; an item that opens with what
            # its subject did ("1. Bộ Xây dựng đã chủ động …") is weighed as a whole by the task score
            return "other"
        if self.led_through(text, start, end, others):
            return "lead"  # the body led acts too
        if self.invite_re.match(before) and text[min([s for s, _ in others] + [start])].isupper():
            return "lead"  # "Khuyến khích Hội Nông dân tỉnh, Liên minh Hợp tác xã xây dựng …"
        cues = []
        for kind, regex in (("cooperate", self.cooperate_before), ("report_to", self.report_before),
                            ("lead", self.lead_before)):
            for m in regex.finditer(before):
                if kind == "lead" and self.assigned_by_re.search(before, 0, m.start() + 1):
                    continue  # "các nhiệm vụ do Thủ tướng Chính phủ giao cho các bộ": assigned elsewhere
                cues.append((m.end(), kind))
        if cues and self.subject_filler.match(before):
            return "lead"  # the cue sits in a fronted clause: "Đối với các kiến nghị khác …, Ban Thường vụ … chỉ đạo"
        if cues:
            pos, kind = max(cues)
            if kind == "lead" and self.person_re.search(before[pos:]) and self.next_title_re.match(after):
                # "Giao đồng chí A, Ủy viên Ban Thường vụ Thành ủy, Trưởng Ban Tuyên giáo … chỉ đạo": the person acts
                # through the office named last; the offices before it only say who the person is
                return "other"
            # another mention between the cue and this one is fine ("phối hợp với Sở A, Sở B"); a lead cue
            # names only the agencies right after it: "Giao Bộ A hoàn thiện … ý kiến của Bộ B" leaves Bộ B out
            directs = self.directs_cue(text, clause_start, start)
            if kind == "lead" and directs is not None and (subject_before or any(s < directs for s, _ in others)):
                # "Bộ A chỉ đạo Cục B", "Bộ A …; chỉ đạo Cục B": Bộ A acts, Cục B is directed, unless it "chủ trì";
                # a bullet "- Chỉ đạo Sở A, Sở B …" under its actor's head names who acts
                return "lead" if self.lead_after.match(after) else "other"
            if kind != "lead" or self.object_filler.match(before[pos:]):
                return kind
            return "lead" if self.lead_after.match(after) else "other"
        if self.lead_after.match(after) or self.subject_filler.match(before):
            return "lead"
        return "other"

    def is_collective(self, written: str) -> bool:
        """An unnamed set of bodies: "các sở, ngành", "các tỉnh ủy, thành ủy", also a list of kinds without "các":
        "Ban cán sự đảng, đảng đoàn, đảng ủy trực thuộc Trung ương"."""
        first, comma, rest = written.partition(",")
        return written.lower().startswith("các ") or bool(comma) and first.strip().lower() in self.collective_noun_set \
            and rest.strip()[:1].islower()

    def led_through(self, text: str, start: int, end: int, others: list[tuple[int, int]]) -> bool:
        """The mention at start:end is a body that one named earlier "lãnh đạo": "Đảng đoàn HĐND tỉnh lãnh đạo HĐND
        tỉnh …". A Party body leads through a collective or a list too ("Đảng ủy Chính phủ lãnh đạo, chỉ đạo các bộ,
        ngành …", "… lãnh đạo Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội"); anyone else only through
        one named body (a minister "lãnh đạo, chỉ đạo các đơn vị liên quan" acts alone). A named body counts whoever
        leads it, because OCR garble often hides the Party word ("Đảng ủy" read "Đảng tự")."""
        needs_party = self.is_collective(text[start:end])
        for s, e in sorted(others, key=lambda se: se[1], reverse=True):
            gap = text[e:start]
            if self.leads_through.match(gap):
                return not needs_party or bool(self.party_body_re.search(text[s:e]))
            if not _LIST_GLUE_RE.fullmatch(gap):
                return False
            needs_party, start = True, s
        return False

    def directs_cue(self, text: str, clause_start: int, start: int) -> int | None:
        """Where the last "chỉ đạo" of the clause before ``start`` begins, if there is one. (Searched in the clause
        sliced out: with a start position, the pattern's "^" would not match at the clause's first word.)"""
        found = [m.start() for m in self.directs_before.finditer(text[clause_start:start])]
        return clause_start + found[-1] if found else None

    def plural_committees(self, agencies: list[Agency]) -> list[Agency]:
        """A bare "Tỉnh ủy" listed with the bodies of "các tỉnh" is each province's: "Bí thư Tỉnh ủy, Chủ tịch Ủy ban
        nhân dân các tỉnh nêu trên" names "các tỉnh ủy" and "Ủy ban nhân dân các tỉnh"."""
        out = []
        for ag in agencies:
            written = " ".join(ag.text.split())
            unit = self.party_committees.get(written)
            if unit and any(re.search(rf"(?i)(?<!\w)các\s+{unit}(?!\w)", other.name) for other in agencies):
                ag = replace(ag, name=f"các {written.lower()}")
            out.append(ag)
        return out

    def without_back_references(self, text: str, offset: int, agencies: list[Agency]) -> list[Agency]:
        """A collective that points back ("Chủ tịch UBND các tỉnh này …", "… các tỉnh nêu trên") to bodies of its
        kind the same paragraph named before it ("Ủy ban nhân dân tỉnh Hòa Lĩnh, …") is those bodies again, not a body
        of its own (``offset``: where ``text`` starts)."""
        def repeats(ag: Agency) -> bool:
            head, plural, _ = ag.name.lower().partition("các ")
            return bool(plural) and self.back_reference_re.match(text, ag.end - offset) is not None and any(
                o.end <= ag.start and o.name.lower().startswith(head) and "các " not in o.name.lower()
                for o in agencies)
        return [ag for ag in agencies if not repeats(ag)]

    def is_purpose_head(self, written: str) -> bool:
        """ "Ban Chỉ đạo", "BCĐ": a body named by its purpose, whose name runs on in lower case."""
        return " ".join(self.abbr.get(written, written).split()).lower() in self.purpose_heads

    def is_bare_head(self, written: str) -> bool:
        """ "Báo" of "Báo cáo", "Thường trực" of "cơ quan Thường trực": a head without its name."""
        return " ".join(written.split()).lower() in self.bare_heads


_LIST_GLUE_RE = re.compile(r"\s*(?:,|;|,?\s+và)\s*")


def _pairs_syllables(name: str) -> bool:
    """Every capitalised syllable but the last has its lower-case second syllable ("Công nghiệp - Viễn thông Quân"):
    the last one has its own after the name ("Quân đội", "Trường Chính trị")."""
    words = re.findall(r"[^\W\d_]+", name)
    capitals = [i for i, w in enumerate(words) if w[0].isupper()]
    return bool(capitals) and all(i + 1 < len(words) and words[i + 1][0].islower() for i in capitals[:-1])


def clause_start(text: str, pos: int) -> int:
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, pos)]
    return starts[-1] if starts else 0


def _title_case(name: str) -> str:
    return " ".join(w[0].upper() + w[1:].lower() for w in name.split())
