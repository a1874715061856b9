"""Single transferable vote counts: Scottish (SSI 2007/42), ERS97 and Meek (NZ)."""
