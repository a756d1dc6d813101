"""One registry of policy rules: payers, graduation rules, priority rules."""
