"""`python -m dailypapers`: the command line."""

from dailypapers.cli import main

main()
