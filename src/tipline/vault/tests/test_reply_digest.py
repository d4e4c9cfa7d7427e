"""A reply's digest tells the same reply to the same report, and nothing else: keyed with the
report's key, so it cannot be tested against a guessed text without that key."""

from tipline import vault


def test_the_same_reply_under_the_same_report_key_has_the_same_digest() -> None:
    key, other_key = vault.new_report_key(), vault.new_report_key()
    digest = vault.reply_digest(key, "Thank you. Which jetty?")
    assert digest == vault.reply_digest(key, "Thank you. Which jetty?")
    assert digest != vault.reply_digest(key, "Thank you. Which jetty? ")
    assert digest != vault.reply_digest(other_key, "Thank you. Which jetty?")
    assert len(digest) == 64 and "jetty" not in digest
