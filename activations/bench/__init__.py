"""The timing engine of ``activations bench`` and ``benchmarks/``, and its yardsticks."""
