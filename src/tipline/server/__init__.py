"""The composition root: the application server, static files and the job schedule, which
put every room together. Nothing imports it but the command line."""
