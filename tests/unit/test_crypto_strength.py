"""Passphrase strength as the set-up screen shows it."""

from __future__ import annotations

import pytest

from imsa_desktop.crypto.strength import assess


@pytest.mark.parametrize("weak", ["password", "password123", "qwertyuiop", "aaaaaaaaaaaa", "Summer2024!"])
def test_common_passwords_are_not_acceptable(weak: str) -> None:
    result = assess(weak)
    assert not result.acceptable
    assert result.score < 3
    assert result.feedback


def test_feedback_never_repeats_the_passphrase() -> None:
    for weak in ["hong1994hong", "Hoxha2024Hoxha", "qwerty-Wisniewski"]:
        assert weak.lower() not in assess(weak, user_inputs=["Hong", "Hoxha"]).feedback.lower()


@pytest.mark.parametrize(
    "strong",
    ["correct horse battery staple", "mưa rơi trên phố cũ ban đêm", "purple-elephant-dances-quietly"],
)
def test_several_unrelated_words_are_acceptable(strong: str) -> None:
    result = assess(strong)
    assert result.acceptable
    assert result.score >= 3
    assert result.label in ("Strong", "Very strong")


def test_short_passphrases_are_never_acceptable_and_say_why() -> None:
    result = assess("x7#Qp!9z")  # random-looking, but only 8 characters
    assert not result.acceptable
    assert "10 characters" in result.feedback


def test_the_users_own_names_make_a_passphrase_weak() -> None:
    names = ["Paweł", "Wiśniewski"]
    with_names = assess("Paweł Wiśniewski", user_inputs=names)
    assert not with_names.acceptable
    assert with_names.score < assess("Paweł Wiśniewski").score


def test_accent_free_spelling_of_a_user_input_still_counts() -> None:
    with_inputs = assess("ArberHoxha", user_inputs=["Arbër", "Hoxha"])
    assert not with_inputs.acceptable
    assert with_inputs.score < assess("ArberHoxha").score


def test_empty_passphrase() -> None:
    result = assess("")
    assert (result.score, result.acceptable) == (0, False)
    assert result.label == "Very weak"


def test_very_long_passphrases_are_assessed_not_rejected() -> None:
    result = assess("ሰላም ተስፋይ " * 20 + "river stones and quiet lanterns")
    assert 0 <= result.score <= 4


def test_labels_follow_scores() -> None:
    labels = {assess(p).score: assess(p).label for p in ["password", "correct horse battery staple"]}
    assert labels[0] == "Very weak"
    assert labels[4] == "Very strong"
