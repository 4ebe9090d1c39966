"""Command-line commands, one module each; cleaner/cli.py assembles them."""
