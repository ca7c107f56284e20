"""What the user types becomes a safe FTS5 expression: complete words match whole words, the
word being typed matches as a prefix, and no typed character acts as FTS syntax."""

from __future__ import annotations

from imsa_desktop.store.search import build_match


def test_only_the_word_being_typed_is_a_prefix() -> None:
    assert build_match("cannabis grow hou") == '"cannabis" AND "grow" AND "hou"*'
    assert build_match("Hồn") == '"Hồn"*'


def test_a_trailing_space_means_the_last_word_is_complete() -> None:
    assert build_match("Nguyen ") == '"Nguyen"'


def test_hyphens_become_phrases_and_operators_are_just_words() -> None:
    assert build_match("anti-trafficking") == '"anti trafficking"*'
    assert build_match('"Hong" OR (Dang) NEAR*') == '"Hong" AND "OR" AND "Dang" AND "NEAR"*'
    assert build_match('"()*^:') == ""


def test_letters_without_combining_marks_are_folded() -> None:
    assert build_match("Đặng Łukasz") == '"Dặng" AND "Lukasz"*'
