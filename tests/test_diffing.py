"""``archive.diffing``: tokens, word diffs, change statistics and paragraph diffs, on small texts (no database)."""

from __future__ import annotations

import pytest

from archive.diffing import ChangeStats, DiffOp, Hunk, change_stats, join_tokens, paragraph_diff, tokenize, word_diff

NBSP = "\u00a0"  # non-breaking space, before « : ; ! ? » in French typography
NNBSP = "\u202f"  # narrow non-breaking space, the same in careful typesetting


def equal(*words: str) -> DiffOp:
    return DiffOp("equal", words)


def delete(*words: str) -> DiffOp:
    return DiffOp("delete", words)


def insert(*words: str) -> DiffOp:
    return DiffOp("insert", words)


# ------------------------------------------------------------------------------------------- tokens


def test_tokens_are_words_and_line_breaks():
    assert tokenize("Le  chat\tnoir\ndort.") == ["Le", "chat", "noir", "\n", "dort."]
    assert tokenize("Un.\n\nDeux.") == ["Un.", "\n", "\n", "Deux."]
    assert tokenize("  \n") == ["\n"]
    assert tokenize("") == []


def test_windows_line_breaks_count_once():
    assert tokenize("Un.\r\nDeux.") == tokenize("Un.\nDeux.") == ["Un.", "\n", "Deux."]


def test_non_breaking_spaces_separate_words_like_spaces():
    """French punctuation after a (narrow) non-breaking space is a token of its own, as after a space."""
    assert tokenize(f"«{NBSP}Défense{NBSP}» : oui{NNBSP}!") == ["«", "Défense", "»", ":", "oui", "!"]
    assert tokenize(f"Il a dit{NBSP}: non") == tokenize("Il a dit : non") == ["Il", "a", "dit", ":", "non"]


def test_punctuation_attached_to_a_word_stays_with_it():
    assert tokenize("l’armée, dit-il.") == ["l’armée,", "dit-il."]


def test_join_tokens_puts_single_spaces_between_words_and_keeps_line_breaks():
    assert join_tokens(["Le", "chat", "\n", "\n", "dort", "."]) == "Le chat\n\ndort ."
    assert join_tokens(("\n", "Un")) == "\nUn"
    assert join_tokens(["Un", "\n"]) == "Un\n"
    assert join_tokens([]) == ""
    assert join_tokens(tokenize("Le   chat\r\nnoir")) == "Le chat\nnoir"


# ----------------------------------------------------------------------------------------- word diff


def test_identical_texts_are_one_equal_run():
    assert word_diff("Le chat dort.", "Le chat dort.") == [equal("Le", "chat", "dort.")]


def test_an_insertion():
    assert word_diff("Le chat dort.", "Le chat noir dort.") == [equal("Le", "chat"), insert("noir"), equal("dort.")]


def test_a_deletion():
    assert word_diff("Le gros chat dort.", "Le chat dort.") == [equal("Le"), delete("gros"), equal("chat", "dort.")]


def test_a_replacement_is_a_delete_then_an_insert():
    assert word_diff("le chat noir", "le chien noir") == [
        equal("le"),
        delete("chat"),
        insert("chien"),
        equal("noir"),
    ]
    assert word_diff("Un deux trois", "Un 2 3") == [equal("Un"), delete("deux", "trois"), insert("2", "3")]


def test_changes_at_both_ends():
    assert word_diff("a b c", "x b y") == [delete("a"), insert("x"), equal("b"), delete("c"), insert("y")]


def test_from_and_to_empty_texts():
    assert word_diff("", "") == []
    assert word_diff("", "Nouveau texte.") == [insert("Nouveau", "texte.")]
    assert word_diff("Ancien texte.", "") == [delete("Ancien", "texte.")]
    assert word_diff(" \t ", "") == []  # only whitespace: no tokens


def test_a_space_turned_non_breaking_is_no_change():
    assert word_diff(f"Il a dit{NBSP}: oui", "Il a dit : oui") == [equal("Il", "a", "dit", ":", "oui")]
    assert word_diff(f"«{NNBSP}Oui{NNBSP}»", "« Oui »") == [equal("«", "Oui", "»")]


def test_a_straight_apostrophe_made_curly_is_a_replaced_word():
    assert word_diff("l'armée française", "l’armée française") == [
        delete("l'armée"),
        insert("l’armée"),
        equal("française"),
    ]


def test_a_new_paragraph_break_is_an_inserted_line_break():
    assert word_diff("Un. Deux.", "Un.\nDeux.") == [equal("Un."), insert("\n"), equal("Deux.")]


# ------------------------------------------------------------------------------------- change stats


def test_stats_of_identical_and_empty_texts():
    assert change_stats("Le chat dort.", "Le chat dort.") == ChangeStats(0, 0, 1.0)
    assert change_stats("", "") == ChangeStats(0, 0, 1.0)


def test_stats_of_a_replaced_word():
    # 2 of 3 tokens match on each side: 2 * 2 / 6
    assert change_stats("le chat noir", "le chien noir") == ChangeStats(
        words_added=1, words_removed=1, similarity=0.6667
    )


def test_stats_of_an_added_word():
    # 4 matching tokens out of 4 + 5: 8 / 9, rounded to 4 places
    assert change_stats("a b c d", "a b c d e") == ChangeStats(words_added=1, words_removed=0, similarity=0.8889)


def test_stats_from_and_to_nothing():
    assert change_stats("", "Un deux trois.") == ChangeStats(words_added=3, words_removed=0, similarity=0.0)
    assert change_stats("Un deux trois.", "") == ChangeStats(words_added=0, words_removed=3, similarity=0.0)


def test_line_breaks_are_not_words_but_lower_the_similarity():
    # tokens a \n b against a \n \n b: 3 matching out of 3 + 4
    assert change_stats("a\nb", "a\n\nb") == ChangeStats(words_added=0, words_removed=0, similarity=0.8571)


def test_stats_ignore_non_breaking_spaces():
    assert change_stats(f"Il a dit{NBSP}: oui{NNBSP}!", "Il a dit : oui !") == ChangeStats(0, 0, 1.0)


def test_a_rewrite_is_far_from_a_typo_fix():
    old = "La stratégie européenne de sécurité repose sur trois piliers complémentaires."
    typo = "La stratégie européenne de sécurité repose sur trois pilliers complémentaires."
    rewrite = "Nos voisins de l’Est réarment vite, et personne ne sait comment réagir."
    assert change_stats(old, typo) == ChangeStats(1, 1, 0.9)
    # only "de" is common to both: 10 words against 12, 2 * 1 / 22
    assert change_stats(old, rewrite) == ChangeStats(words_added=11, words_removed=9, similarity=0.0909)


def test_stats_as_a_dict():
    assert ChangeStats(2, 1, 0.75).as_dict() == {"words_added": 2, "words_removed": 1, "similarity": 0.75}


# ---------------------------------------------------------------------------------- paragraph diff


def test_unchanged_paragraphs_are_kept_whole_and_changed_ones_diffed_word_by_word():
    old = "Premier paragraphe.\nLe chat noir dort.\nDernier paragraphe."
    new = "Premier paragraphe.\nLe chien noir dort.\nDernier paragraphe."
    assert paragraph_diff(old, new) == [
        Hunk("equal", lines=("Premier paragraphe.",)),
        Hunk("change", ops=(equal("Le"), delete("chat"), insert("chien"), equal("noir", "dort."))),
        Hunk("equal", lines=("Dernier paragraphe.",)),
    ]


def test_an_added_and_a_removed_paragraph():
    assert paragraph_diff("A\nB\nC", "A\nC") == [
        Hunk("equal", lines=("A",)),
        Hunk("change", ops=(delete("B"),)),
        Hunk("equal", lines=("C",)),
    ]
    assert paragraph_diff("A\nC", "A\nB b\nC") == [
        Hunk("equal", lines=("A",)),
        Hunk("change", ops=(insert("B", "b"),)),
        Hunk("equal", lines=("C",)),
    ]


def test_several_changed_paragraphs_in_a_row_are_one_hunk_with_their_line_breaks():
    assert paragraph_diff("A\nUn deux\nTrois\nZ", "A\nUn 2\nTrois 3\nZ") == [
        Hunk("equal", lines=("A",)),
        Hunk("change", ops=(equal("Un"), delete("deux"), insert("2"), equal("\n", "Trois"), insert("3"))),
        Hunk("equal", lines=("Z",)),
    ]


def test_paragraph_diff_of_identical_and_empty_texts():
    assert paragraph_diff("Un.\nDeux.", "Un.\nDeux.") == [Hunk("equal", lines=("Un.", "Deux."))]
    assert paragraph_diff("", "") == []
    assert paragraph_diff("", "Nouveau.") == [Hunk("change", ops=(insert("Nouveau."),))]
    assert paragraph_diff("Ancien.", "") == [Hunk("change", ops=(delete("Ancien."),))]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_paragraphs_split_on_any_line_break(newline):
    assert paragraph_diff(f"Un.{newline}Deux.", "Un.\nDeux !") == [
        Hunk("equal", lines=("Un.",)),
        Hunk("change", ops=(delete("Deux."), insert("Deux", "!"))),
    ]


def test_empty_lines_are_paragraphs_too():
    """A removed empty line is a changed run with no words in it."""
    assert paragraph_diff("Un.\n\nDeux.", "Un.\nDeux.") == [
        Hunk("equal", lines=("Un.",)),
        Hunk("change", ops=()),
        Hunk("equal", lines=("Deux.",)),
    ]
