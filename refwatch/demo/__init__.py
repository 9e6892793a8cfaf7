"""A small corpus the project wrote itself, for demos, tests and benchmarks."""

from refwatch.demo.corpus import DEMO_CSV_MAPPING, DemoReport, load_reports, write_demo_corpus

__all__ = ["DEMO_CSV_MAPPING", "DemoReport", "load_reports", "write_demo_corpus"]
