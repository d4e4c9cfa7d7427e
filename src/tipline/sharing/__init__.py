"""Sharing a report with a partner agency (another installation) or with another desk of
this one: partner cards, signed and encrypted packages, the outbox and the back channel."""
