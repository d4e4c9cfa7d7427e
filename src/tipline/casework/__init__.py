"""The case desk: the staff side. Inbox, case view, conversation, notes, workflow, export,
retention, and the supervisor's audit log and workload."""
