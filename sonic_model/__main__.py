"""``python -m sonic_model``: the command line lives in sonic_model/serving/cli."""
import sys

from sonic_model.serving.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
