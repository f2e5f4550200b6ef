"""Cutting articles into sections (chunks) that follow the headings.

Each chunk keeps its heading path (``"Title > Heading > Subheading"``) and the
section's anchor, so an answer can link to the exact section. A chunk's id is
derived from the article id, the anchor and the part number only, so it is the
same in every build while the section exists (FAISS and the chunk store share
it). Its content hash covers the text that gets embedded, so a rebuild embeds
only sections whose text changed.
"""

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass

from knowledge.article import Article

logger = logging.getLogger(__name__)

SECTION_SEPARATOR = " > "

# all-MiniLM-L6-v2 reads 256 word pieces; about 1.3 pieces per English word,
# plus the heading path, leaves room for some 170 words of section text.
MAX_WORDS_PER_CHUNK = 170

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"(\*\*|__|\*|`)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Chunk:
    """One section (or one part of a long section) of an article.

    ``text`` is the section's plain text without its heading; ``part`` counts
    from 0 when a long section is split. ``chunk_id`` is a positive int64.
    """

    chunk_id: int
    article_id: str
    section: str
    anchor: str
    part: int
    text: str
    content_hash: str

    @property
    def passage(self) -> str:
        """The text that is embedded and indexed: heading path, then text."""
        return passage_text(self.section, self.text)


def passage_text(section: str, text: str) -> str:
    """Join a heading path and section text the way chunks are indexed."""
    return f"{section}\n{text}"


def slugify(heading: str) -> str:
    """Return the anchor a web page gives a heading (GitHub-style slug).

    Lowercase, accents dropped, punctuation removed, spaces to hyphens:
    "Pay by Direct Debit" -> "pay-by-direct-debit".
    """
    folded = unicodedata.normalize("NFKD", heading)
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    kept = re.sub(r"[^a-z0-9 _-]", "", ascii_text).strip()
    return re.sub(r"[\s]+", "-", kept) or "section"


def chunk_id_for(article_id: str, anchor: str, part: int) -> int:
    """Return the stable id of a chunk: 63 bits of a BLAKE2b hash.

    FAISS ids are signed int64 and -1 means "no result", so the top bit is
    cleared to keep every id positive.
    """
    key = f"{article_id}#{anchor}#{part}".encode()
    digest = hashlib.blake2b(key, digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


def content_hash(passage: str) -> str:
    """Return the hash that decides whether a passage must be embedded again."""
    return hashlib.sha256(passage.encode("utf-8")).hexdigest()[:32]


def plain_text(markdown: str) -> str:
    """Strip Markdown markup from section text, keeping the words.

    Links keep their text, list marks and emphasis go, table pipes become
    spaces; paragraphs stay separated by blank lines.
    """
    lines = []
    for line in markdown.splitlines():
        if _TABLE_RULE.match(line) or _FENCE.match(line):
            continue
        line = _LINK.sub(r"\1", line)
        line = _LIST_MARK.sub("", line)
        line = _MARKUP.sub("", line)
        line = line.replace("|", " ").lstrip("> ").strip()
        lines.append(re.sub(r"\s{2,}", " ", line))

    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass
class _Section:
    path: list[str]
    anchor: str
    lines: list[str]


def chunk_article(
    article: Article, max_words: int = MAX_WORDS_PER_CHUNK
) -> list[Chunk]:
    """Cut an article into chunks, one per non-empty section.

    The text before the first sub-heading belongs to a section named after
    the article title, anchored at the title's slug. A heading's path is the
    title followed by its parent headings; duplicate anchors in one article
    get ``-1``, ``-2`` suffixes as rendered pages do. Sections longer than
    ``max_words`` are split at paragraph (then sentence) boundaries into
    parts that share the anchor.
    """
    sections = _split_sections(article)
    chunks: list[Chunk] = []

    for section in sections:
        text = plain_text("\n".join(section.lines))
        if not text:
            continue

        heading_path = SECTION_SEPARATOR.join(section.path)
        for part, part_text in enumerate(_split_long(text, max_words)):
            passage = passage_text(heading_path, part_text)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id_for(article.article_id, section.anchor, part),
                    article_id=article.article_id,
                    section=heading_path,
                    anchor=section.anchor,
                    part=part,
                    text=part_text,
                    content_hash=content_hash(passage),
                )
            )

    if not chunks:
        logger.warning("article %s has no text to index", article.article_id)
    return chunks


def _split_sections(article: Article) -> list[_Section]:
    used_anchors: dict[str, int] = {}

    def unique_anchor(heading: str) -> str:
        slug = slugify(heading)
        seen = used_anchors.get(slug, 0)
        used_anchors[slug] = seen + 1
        return slug if seen == 0 else f"{slug}-{seen}"

    current = _Section(
        path=[article.title], anchor=unique_anchor(article.title), lines=[]
    )
    sections = [current]
    # Heading stack of (level, title); level 1 is the article title itself.
    stack: list[tuple[int, str]] = []
    in_fence = False

    for line in article.body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match is None:
            current.lines.append(line)
            continue

        level, heading = len(match.group(1)), _MARKUP.sub("", match.group(2))
        if level == 1 and not stack and heading.strip() == article.title:
            continue

        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        current = _Section(
            path=[article.title, *(title for _, title in stack)],
            anchor=unique_anchor(heading),
            lines=[],
        )
        sections.append(current)

    return sections


def _split_long(text: str, max_words: int) -> list[str]:
    if len(text.split()) <= max_words:
        return [text]

    pieces: list[str] = []
    for paragraph in text.split("\n\n"):
        if len(paragraph.split()) <= max_words:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            words = sentence.split()
            for start in range(0, len(words), max_words):
                pieces.append(" ".join(words[start : start + max_words]))

    parts: list[str] = []
    current: list[str] = []
    count = 0
    for piece in pieces:
        words = len(piece.split())
        if current and count + words > max_words:
            parts.append("\n\n".join(current))
            current, count = [], 0
        current.append(piece)
        count += words
    if current:
        parts.append("\n\n".join(current))

    return parts
