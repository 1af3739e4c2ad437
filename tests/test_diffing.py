"""``archive.diffing``: tokens, word diffs, change statistics and paragraph diffs, on small texts (no database)."""

from __future__ import annotations

import pytest

from archive.diffing import (
    ChangeStats,
    DiffOp,
    FieldChange,
    Hunk,
    ParagraphOp,
    Skipped,
    align_paragraphs,
    change_stats,
    field_changes,
    join_tokens,
    paragraph_diff,
    paragraphs,
    readable_word_diff,
    tokenize,
    unified_diff,
    with_context,
    word_diff,
)

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


# ------------------------------------------------------------------------------ side-by-side diffs


def test_paragraphs_are_trimmed_lines_without_blank_ones():
    assert paragraphs("  Un.\n\n \t\nDeux.  \r\nTrois.") == ["Un.", "Deux.", "Trois."]
    assert paragraphs("") == paragraphs("\n \n") == []


def test_readable_word_diff_absorbs_short_common_runs_between_changes():
    old = "La stratégie européenne de sécurité repose sur trois piliers."
    new = "Nos voisins de l’Est réarment vite."
    # word_diff keeps the lone common "de"; for people, the sentence was rewritten
    assert equal("de") in word_diff(old, new)
    assert readable_word_diff(old, new) == [delete(*old.split()), insert(*new.split())]


def test_readable_word_diff_keeps_longer_common_runs_and_those_at_the_ends():
    assert readable_word_diff("Le chat noir dort ici.", "Le chien noir dort là.") == [
        equal("Le"),
        delete("chat", "noir", "dort", "ici."),
        insert("chien", "noir", "dort", "là."),
    ]
    assert readable_word_diff("a b c d e", "a x c d y") == [
        equal("a"),
        delete("b", "c", "d", "e"),
        insert("x", "c", "d", "y"),
    ]
    assert readable_word_diff("a b c d e f", "a x c d e y") == [
        equal("a"),
        delete("b"),
        insert("x"),
        equal("c", "d", "e"),
        delete("f"),
        insert("y"),
    ]
    assert readable_word_diff("même texte", "même texte") == [equal("même", "texte")]


def test_align_identical_texts_is_one_equal_run():
    assert align_paragraphs("Un.\nDeux.", "Un.\n\nDeux.") == [ParagraphOp("equal", ("Un.", "Deux."), ("Un.", "Deux."))]
    assert align_paragraphs("", "") == []


def test_align_an_edited_paragraph_faces_what_it_became():
    old = "Titre\nLe chat noir dort.\nFin."
    new = "Titre\nLe chien noir dort.\nFin."
    assert align_paragraphs(old, new) == [
        ParagraphOp("equal", ("Titre",), ("Titre",), (), 0, 0),
        ParagraphOp(
            "replace",
            ("Le chat noir dort.",),
            ("Le chien noir dort.",),
            (equal("Le"), delete("chat"), insert("chien"), equal("noir", "dort.")),
            1,
            1,
        ),
        ParagraphOp("equal", ("Fin.",), ("Fin.",), (), 2, 2),
    ]


def test_align_a_rewritten_paragraph_still_faces_the_one_it_replaced():
    """One paragraph where there was one: a rewrite, shown as all its words deleted and inserted."""
    (_, rewrite, _) = align_paragraphs("A\nLe chat dort.\nZ", "A\nUn texte tout autre ici.\nZ")
    assert rewrite == ParagraphOp(
        "replace",
        ("Le chat dort.",),
        ("Un texte tout autre ici.",),
        (delete("Le", "chat", "dort."), insert("Un", "texte", "tout", "autre", "ici.")),
        1,
        1,
    )


def test_align_inserted_and_deleted_paragraphs():
    assert align_paragraphs("A\nB\nC", "A\nC") == [
        ParagraphOp("equal", ("A",), ("A",), (), 0, 0),
        ParagraphOp("delete", ("B",), (), (), 1, 1),
        ParagraphOp("equal", ("C",), ("C",), (), 2, 1),
    ]
    assert align_paragraphs("A\nC", "A\nB1\nB2\nC") == [
        ParagraphOp("equal", ("A",), ("A",), (), 0, 0),
        ParagraphOp("insert", (), ("B1", "B2"), (), 1, 1),
        ParagraphOp("equal", ("C",), ("C",), (), 1, 3),
    ]


def test_align_pairs_similar_paragraphs_across_an_inserted_one():
    """A new paragraph before an edited one: the edit faces its old self, the new paragraph stands alone."""
    old = "Début.\nLe chat noir dort sur le tapis rouge.\nFin."
    new = "Début.\nUn paragraphe tout neuf.\nLe chat blanc dort sur le tapis rouge.\nFin."
    ops = align_paragraphs(old, new)
    assert [(op.op, op.old, op.new) for op in ops] == [
        ("equal", ("Début.",), ("Début.",)),
        ("insert", (), ("Un paragraphe tout neuf.",)),
        ("replace", ("Le chat noir dort sur le tapis rouge.",), ("Le chat blanc dort sur le tapis rouge.",)),
        ("equal", ("Fin.",), ("Fin.",)),
    ]
    assert (ops[1].old_start, ops[1].new_start, ops[2].old_start, ops[2].new_start) == (1, 1, 1, 2)
    assert ops[2].words == (
        equal("Le", "chat"),
        delete("noir"),
        insert("blanc"),
        equal("dort", "sur", "le", "tapis", "rouge."),
    )


def test_align_pairs_in_order_and_leaves_the_rest_deleted_or_inserted():
    ops = align_paragraphs("A\nun deux\ntrois quatre\nZ", "A\ncinq six\nZ")
    assert [(op.op, op.old, op.new) for op in ops] == [
        ("equal", ("A",), ("A",)),
        ("replace", ("un deux",), ("cinq six",)),
        ("delete", ("trois quatre",), ()),
        ("equal", ("Z",), ("Z",)),
    ]


def test_align_a_large_changed_run_pairs_in_order():
    """Past the pairing bound, paragraphs of a changed run are paired in order, without comparing them all."""
    old = "\n".join(f"ancien paragraphe {n}" for n in range(60))
    new = "\n".join(f"nouveau texte {n}" for n in range(70))
    ops = align_paragraphs(old, new)
    assert [op.op for op in ops] == ["replace"] * 60 + ["insert"]
    assert ops[-1].new == tuple(f"nouveau texte {n}" for n in range(60, 70))


def test_paragraph_ops_as_json():
    (op,) = align_paragraphs("le chat noir", "le chien noir")
    assert op.as_dict() == {
        "op": "replace",
        "old": ["le chat noir"],
        "new": ["le chien noir"],
        "words": [
            {"op": "equal", "text": "le"},
            {"op": "delete", "text": "chat"},
            {"op": "insert", "text": "chien"},
            {"op": "equal", "text": "noir"},
        ],
    }
    assert ParagraphOp("insert", (), ("Un.", "Deux.")).as_dict() == {
        "op": "insert",
        "old": [],
        "new": ["Un.", "Deux."],
        "words": [],
    }


def test_context_keeps_k_paragraphs_around_each_change():
    ops = align_paragraphs("A\nB\nC\nD\nE\nF\nG", "A\nB\nC\nD!\nE\nF\nG")
    shown = with_context(ops, 1)
    assert shown == [
        Skipped(2, 0, 0),
        ParagraphOp("equal", ("C",), ("C",), (), 2, 2),
        ops[1],
        ParagraphOp("equal", ("E",), ("E",), (), 4, 4),
        Skipped(2, 5, 5),
    ]
    assert with_context(ops, 0) == [Skipped(3, 0, 0), ops[1], Skipped(3, 4, 4)]
    assert with_context(ops, 3) == ops
    assert with_context(ops, 10) == ops


def test_context_between_two_changes_keeps_both_sides():
    ops = align_paragraphs("x\nA\nB\nC\nD\ny", "x!\nA\nB\nC\nD\ny!")
    assert with_context(ops, 1) == [
        ops[0],
        ParagraphOp("equal", ("A",), ("A",), (), 1, 1),
        Skipped(2, 2, 2),
        ParagraphOp("equal", ("D",), ("D",), (), 4, 4),
        ops[2],
    ]
    assert with_context(ops, 2) == ops  # two before, two after: all four shown


def test_context_of_identical_texts_skips_everything():
    assert with_context(align_paragraphs("A\nB", "A\nB"), 1) == [Skipped(2, 0, 0)]


def test_field_changes_in_the_order_of_the_old_fields():
    old = {"title": "Ancien", "author": "X", "language": "fr", "published": None}
    new = {"title": "Nouveau", "author": "X", "language": "en", "published": None}
    assert field_changes(old, new) == [FieldChange("title", "Ancien", "Nouveau"), FieldChange("language", "fr", "en")]
    assert field_changes(old, dict(old)) == []


def test_unified_diff_as_diff_u_writes_it():
    old = "Titre\nUn.\nDeux.\nTrois.\nQuatre.\nCinq.\nSix."
    new = "Titre\nUn.\nDeux bis.\nTrois.\nQuatre.\nCinq.\nSix.\nSept."
    assert unified_diff(old, new, "page\tversion 1", "page\tversion 2", context=1) == (
        "--- page\tversion 1\n"
        "+++ page\tversion 2\n"
        "@@ -2,3 +2,3 @@\n"
        " Un.\n"
        "-Deux.\n"
        "+Deux bis.\n"
        " Trois.\n"
        "@@ -7 +7,2 @@\n"
        " Six.\n"
        "+Sept.\n"
    )


def test_unified_diff_of_identical_texts_is_its_headers_and_names_stay_on_one_line():
    assert unified_diff("Un.", "Un.", "a", "b") == "--- a\n+++ b\n"
    assert unified_diff("", "Un.", "a\nb", "c\r\nd").splitlines() == ["--- a b", "+++ c d", "@@ -0,0 +1 @@", "+Un."]
