"""Reports: charts, tables, and notebooks run through papermill."""
