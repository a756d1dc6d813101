"""What a run produces: the output variables, results with a replicate axis, budget, benefits, fiscal."""
