"""The report's own room: reports, their categories and questions, receipts, the
conversation, attachments and their cleaning, storage, and the staff's gate to a report.

Low in the house: both faces (the reporter's pages, the staff rooms) stand on it."""
