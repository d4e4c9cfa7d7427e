"""The reporter's pages: the desk, the form, the receipt, coming back, files from the desk.

A face over the report room (`tipline.reports`): it may import any room; no staff room
imports it."""
