#!/usr/bin/env python3
"""Django's usual entry point; the installed ``lectio`` command is the same thing."""

from lectio.__main__ import main

if __name__ == "__main__":
    main()
