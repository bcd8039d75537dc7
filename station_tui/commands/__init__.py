"""Subcommands of ``station``. Each module defines ``register(subparsers)``; heavy imports
happen inside the command's function so that ``station --help`` and the TUI start fast."""
