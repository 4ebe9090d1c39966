"""The built-in rule files, installed as package data of cleaner (cleaner.builtin_rules)."""
