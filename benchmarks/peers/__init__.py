"""The workbench's micro model written for other agent-based frameworks, run side by side by the benchmarks."""
