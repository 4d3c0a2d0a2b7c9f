"""Synthetic demo data at national scale, for benchmarks and demos (`generate_demo_data`).

Every record written is flagged synthetic (demo.safety), and the generator refuses a database
that holds anything else. Places come from the gazetteer (demo.candidates); everything else
(people, quotes, dates, stances) is drawn from a seeded random generator, so the same seed writes
the same records. Rows are written with explicit primary keys in batches (demo.bulk); memory holds
a small plan per jurisdiction (demo.plans) and one batch per table, never the statements
themselves (about 300 MB for 20,000 jurisdictions).
"""
