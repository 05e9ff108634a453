"""The batch upload's decoder (``read_upload``) on any file: a table with text columns, or one sentence.

Apart from ``test_sentiment.py`` so that the sentiment model's own tests and this decoder's property change
independently.
"""

from datetime import timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from rnnkit.core.inputs import InputError
from rnnkit.sentiment.data import MAX_COLUMNS, read_upload

CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["a great film", "awful, just awful", "", " ", "1", "3.5", "nan", "NA", "#", "\\", "'", '"',
                     '"quoted, with a comma"', '"a ""quote"" inside"', '"two\nlines"', "\t", "\x0b", "\u2028"]))


@st.composite
def uploads(draw) -> tuple[str, bytes]:
    """A file name and its bytes: lines of text, a table (a row too long or too short now and then, up to more
    columns than the limit), or any bytes; in UTF-8 (with a byte-order mark or not), Latin-1 or UTF-16."""
    name = draw(st.sampled_from(["reviews.csv", "reviews.txt", "REVIEWS.CSV", "reviews", "reviews.tsv"]))
    kind = draw(st.sampled_from(["table", "table", "lines", "bytes"]))
    if kind == "bytes":
        return name, draw(st.binary(max_size=400))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if kind == "lines":
        text = newline.join(draw(st.lists(CELLS, max_size=20)))
    else:
        width = draw(st.integers(1, 4) | st.integers(MAX_COLUMNS - 1, MAX_COLUMNS + 2))
        header = draw(st.lists(st.sampled_from(["text", "review", "id", ""]) | st.text(max_size=6),
                               min_size=width, max_size=width))
        rows = draw(st.lists(st.lists(CELLS, min_size=max(width - 1, 0), max_size=width + 1), max_size=15))
        text = newline.join(",".join(row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return name, text.encode(encoding, errors="replace")


@settings(max_examples=100, deadline=timedelta(seconds=10), derandomize=True, database=None)
@given(upload=uploads())
def test_any_upload_gives_text_columns_or_a_sentence(upload):
    name, raw = upload
    try:
        table = read_upload(name, raw)
    except InputError as error:
        event("refused with a sentence")
        assert str(error).strip()
        return
    event("a table")
    assert len(table.frame) >= 1 and table.columns
    assert len(set(table.columns)) == len(table.columns) and set(table.columns) <= set(table.frame.columns)
    assert all(len(table.frame[column].tolist()) == len(table.frame) for column in table.columns)
    assert all(note.strip() for note in table.notes)


@settings(max_examples=100, deadline=timedelta(seconds=10), derandomize=True, database=None)
@given(upload=uploads(), choice=st.integers(0, 3))
def test_any_labelled_upload_gives_split_rows_or_a_sentence(upload, choice):
    """"Train on your data": any file, any choice of text and label columns and of the positive value, gives
    rows split 80 / 20 with both labels, or the one InputError."""
    from rnnkit.sentiment import own
    name, raw = upload
    try:
        table = read_upload(name, raw)
        columns = list(table.frame.columns)
        text_column, label_column = table.columns[0], columns[choice % len(columns)]
        values = own.label_values(table.frame, label_column)
        rows = own.labelled(table.frame, text_column, label_column, values[choice % len(values)])
    except InputError as error:
        assert str(error).strip()
        return
    assert len(rows.train_texts) == len(rows.train_labels) and len(rows.test_texts) == len(rows.test_labels)
    assert len(rows.train_texts) + len(rows.test_texts) >= own.MIN_ROWS and set(rows.test_labels) <= {0, 1}
