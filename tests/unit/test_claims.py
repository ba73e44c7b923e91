"""The claim finder that every chapter test uses to prove its sentences are checked."""
import nbformat

from claims import claim_sentences, is_claim, sentences, stale_quotes, unchecked


def _notebook(tmp_path, *cells):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_claims_are_numbers_and_comparisons_in_what_you_should_see_and_summary(tmp_path):
    path = _notebook(tmp_path,
                     "Intro: 3 layers, faster than before.",            # not a claim cell
                     "**What you should see:** Adam ends 0.35 away. The curve is blue.\n"
                     "Nesterov is ahead of Adam.",
                     "## Summary\n- SGD zig-zags.\n- Momentum is faster.")
    assert claim_sentences(path) == ["**What you should see:** Adam ends 0.35 away.",
                                     "Nesterov is ahead of Adam.", "Momentum is faster."]
    assert unchecked(path, ["Adam ends 0.35", "ahead of Adam"]) == ["Momentum is faster."]
    assert stale_quotes(path, ["Adam ends 0.35", "Adam ends 0.36"]) == ["Adam ends 0.36"]


def test_sentence_split_and_claim_words():
    assert sentences("One. Two!  Three?\n\nFour") == ["One.", "Two!", "Three?", "Four"]
    assert is_claim("the loss stays near 1") and is_claim("after 30 steps")
    assert not is_claim("The curve is blue.")


def test_the_text_after_a_heading_only_what_you_should_see_cell_is_scanned(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("### What you should see"),
        nbformat.v4.new_code_cell("print(loss)"),
        nbformat.v4.new_markdown_cell("- The mini-batch wins by far."),        # the heading's text: scanned
        nbformat.v4.new_markdown_cell("Background: 3 more layers."),           # the next cell: not
        nbformat.v4.new_markdown_cell("### What you should see"),
        nbformat.v4.new_markdown_cell("Speaker notes. 2 runs.", metadata={"slideshow": {"slide_type": "notes"}}),
        nbformat.v4.new_markdown_cell("### What you should see"),
        nbformat.v4.new_markdown_cell("## Next section\nIt is 5 times faster."),   # a new heading: not
    ])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert claim_sentences(path) == ["- The mini-batch wins by far."]
