"""How hard a page is to read: the Flesch-Kincaid grade of the words in its <main>, turned
into a reading age (grade + 5, as the UK reads the US grades). GOV.UK writes for a reading age
of 9.

Syllables are counted with Pyphen's en_GB hyphenation patterns (a word has at least one), so
figures can differ a little from other tools; they are for comparing our pages with each other
and with the target, not with another tool's numbers. Every block (paragraph, list item,
heading, label, hint, table cell, button) ends a sentence, as a reader takes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

import pyphen

_BLOCKS = frozenset(
    [
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "label",
        "legend",
        "td",
        "th",
        "dt",
        "dd",
        "button",
        "summary",
        "caption",
        "div",
        "span",
    ]
)
_SKIPPED = frozenset({"script", "style", "template"})
_WORD = re.compile("[A-Za-z][A-Za-z'\u2019-]*")
_SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)")


@cache
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_GB")


def syllables(word: str) -> int:
    return max(1, len(_dictionary().positions(word.lower())) + 1)


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_main = 0
        self.skipping = 0
        self.blocks: list[str] = []
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "main":
            self.in_main += 1
        if tag in _SKIPPED:
            self.skipping += 1
        if tag in _BLOCKS:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS or tag == "main":
            self._end_block()
        if tag == "main":
            self.in_main -= 1
        if tag in _SKIPPED:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skipping:
            self._current.append(data)

    def _end_block(self) -> None:
        text = " ".join("".join(self._current).split())
        if _WORD.search(text):
            self.blocks.append(text)
        self._current = []


def main_text_blocks(html: str) -> list[str]:
    parser = _MainText()
    parser.feed(html)
    parser.close()
    return parser.blocks


@dataclass(frozen=True)
class Reading:
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        if not self.words:
            return 0.0
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59

    @property
    def reading_age(self) -> float:
        return self.grade + 5


def measure(blocks: list[str]) -> Reading:
    words = sentences = syllable_count = 0
    for block in blocks:
        block_words = _WORD.findall(block)
        if not block_words:
            continue
        words += len(block_words)
        syllable_count += sum(syllables(word) for word in block_words)
        sentences += max(1, len(_SENTENCE_END.findall(block.rstrip() + " ")))
    return Reading(words, sentences, syllable_count)


def reading_of_page(html: str) -> Reading:
    return measure(main_text_blocks(html))
