"""Allow `python -m vigia`."""

from vigia.cli import main

if __name__ == "__main__":
    main()
