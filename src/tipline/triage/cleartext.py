"""Triage's readable columns and why (DESIGN.md, guarantee 1); the rest is ciphertext.

Nothing here lets anyone compare two reports: vectors, sketches, fingerprints and the
targets of links are encrypted (`tipline.vault.triage`)."""

READABLE = {
    "triage.DetectedLanguage": {
        "report": "routing",
        "language": (
            "routing: staff must see and filter by the language the text is in (an index "
            "serves the filter over 100,000 reports); of the same kind as the page language. "
            "It says also whether Urdu was typed in Latin letters, and a doubtful or very short "
            "text's script ('Arab'): the same kind of fact"
        ),
    },
    "triage.Epoch": {
        "id": "row id",
        "desk": "routing",
        "members": "the recipients the key is sealed to (the same as the report key seals)",
        "created_at": "ordering",
    },
    "triage.EpochSeal": {"id": "row id", "epoch": "routing", "staff": "recipient"},
    "triage.Shard": {
        "id": "row id",
        "epoch": "which key opens it",
        "entries": "size (fills shards in order)",
        "version": "guards against a lost update",
    },
    "triage.Indexed": {
        "report": "which reports are analysed (says nothing of their content)",
        "shard": "where the report's entry is",
        "analysed_at": "ordering",
    },
    "triage.Claim": {
        "report": "which reports an analyser is working on (says nothing of their content)",
        "token": "random per analyser pass: which claims it won",
        "until": "lease: when another analyser may take the report over",
    },
    "triage.Link": {
        "id": "row id",
        "report": "routing (the count of links of a report, never their target)",
        "created_at": "ordering",
    },
    "triage.SearchToken": {
        "id": "row id",
        "epoch": "which key made the token",
        "report": "routing (each report's count of distinct words)",
        "token": (
            "a 64-bit BLAKE2b hash of one folded word, keyed with the epoch's search key "
            "(sealed to the recipients only): equal tokens say two reports of the epoch share "
            "a word, never which; nobody without the key can test one against a guess"
        ),
    },
    "triage.SearchWaiting": {
        "report": "its words changed and await a recipient's key (as a message's time says)"
    },
}

ENCRYPTED = {
    "triage.EpochSeal": {"sealed"},
    "triage.Shard": {"blob"},
    "triage.Link": {"body"},
}

CONFIGURATION: set[str] = set()
