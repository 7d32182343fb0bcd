"""Which comments ask something and which need the brand's reply (pipelines/conversations/heuristics.py)."""

import pytest

from pipelines.conversations import classify_comment, is_question


@pytest.mark.parametrize(
    "text",
    [
        "Buka jam berapa?",
        "Harganya berapa kak",  # no question mark
        "Kak, ini masih ada promonya gak",  # an Indonesian yes-no question closed by "gak"
        "Bisa pesan lewat GoFood ga min",
        "Cabang Bandung kapan buka",
        "Gimana cara daftar member",
        "Apakah ada yang tanpa gula",
        "min promonya sampai kapan",  # the question word need not lead
        "What time do you open on Sunday",
        "how much is the large one",
        "Do you deliver to Depok",
        "Is there a vegan option",
        "Can I pay with QRIS",
        "Ready stock？",  # a full-width question mark
    ],
)
def test_questions(text):
    assert is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "Enak banget kopinya 😍",
        "@rina_ayu ayo kesini",
        "Mantap, langganan terus",
        "Love this, my favourite coffee",
        "Ada-ada aja kamu",  # "ada" without a closing "gak"
        "Saw this yesterday",
        "Aku juga mau tau",
        "",
        None,
    ],
)
def test_not_questions(text):
    assert not is_question(text)


def test_needs_reply_questions_requests_and_complaints_not_praise_or_the_brand():
    assert classify_comment("Buka jam berapa?", is_brand_author=False).needs_reply
    assert classify_comment("Tolong cek DM ya", is_brand_author=False).needs_reply  # a request
    complaint = classify_comment("Pesanan saya salah terus, kecewa banget", is_brand_author=False)
    assert complaint.needs_reply and complaint.sentiment == "negative" and not complaint.is_question
    assert classify_comment("My order arrived cold, terrible", is_brand_author=False).needs_reply
    assert not classify_comment("Enak banget 😍", is_brand_author=False).needs_reply
    assert not classify_comment("@dimas_p this one", is_brand_author=False).needs_reply
    # the brand's own question to its audience needs no reply from the brand
    assert not classify_comment("Kalian suka rasa apa?", is_brand_author=True).needs_reply
    # an author the platform does not name is treated as the audience
    assert classify_comment("Harganya berapa?", is_brand_author=None).needs_reply
