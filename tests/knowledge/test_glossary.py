from knowledge.glossary import expand


def test_expand_shorthand_appended_original_kept() -> None:
    assert expand("fsm apply") == "fsm apply (free school meals)"


def test_expand_each_expansion_once() -> None:
    assert expand("HB and hb") == "HB and hb (housing benefit)"


def test_expand_send_only_in_capitals() -> None:
    assert expand("send me the form") == "send me the form"
    assert expand("SEND support") == (
        "SEND support (special educational needs and disabilities)"
    )


def test_expand_no_shorthand_unchanged() -> None:
    assert expand("when is my bin collected") == "when is my bin collected"
