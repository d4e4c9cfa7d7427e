"""What came of a report: outcomes on cases, campaigns, anonymous rewards, statistics and
the public results page (DESIGN.md, "Partners, outcomes and triage")."""
