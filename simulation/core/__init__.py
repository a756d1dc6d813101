"""The bottom layer: membership states, the monthly horizon, random streams, errors, the version.

Imports nothing else of the package.
"""
