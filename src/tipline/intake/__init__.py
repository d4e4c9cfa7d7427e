"""The reporter side: categories and questions, reports, receipts, the conversation."""
