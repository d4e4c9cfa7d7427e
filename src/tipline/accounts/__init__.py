"""Staff accounts: roles, key material, second factor, invitations."""
