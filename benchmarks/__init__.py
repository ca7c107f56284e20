"""IMSA Desktop benchmarks: a synthetic caseload and the figures that matter (docs/performance.md)."""
