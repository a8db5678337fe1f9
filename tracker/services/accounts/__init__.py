"""Staff accounts: users, passwords, sign-in and API tokens."""
