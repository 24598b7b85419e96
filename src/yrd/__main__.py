"""``python -m yrd``: the same command line as the ``yrd`` script."""
from yrd.cli import main

main()
