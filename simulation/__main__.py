import sys

from simulation.cli import run

sys.exit(run())
